"""WGS84 geodesic distances (zhonghe-method/2) against independently published values."""

from decimal import Decimal

import pytest

from zhonghe.engine.activities import Place
from zhonghe.engine.distance import geodesic_km, great_circle_km

D = Decimal


def _p(lat, lon):
    return Place(f"{lat},{lon}", "point", D(lat), D(lon))


@pytest.mark.parametrize(
    ("a", "b", "published_km"),
    [
        # GeographicLib documentation, Python examples (C. F. F. Karney): Wellington, NZ (41.32S,
        # 174.81E) to Salamanca, Spain (40.96N, 5.50W): s12 = 19959679.267 m.
        (("-41.32", "174.81"), ("40.96", "-5.50"), D("19959.679")),
        # Same documentation: JFK (40.6N, 73.8W) to LHR (51.6N, 0.5W): 5551.759 km.
        (("40.6", "-73.8"), ("51.6", "-0.5"), D("5551.759")),
        # A quarter of the WGS84 equator, π × 6,378,137 m / 2 = 10,018,754.171 m (NIMA TR8350.2 a).
        (("0", "0"), ("0", "90"), D("10018.754")),
        # The WGS84 meridian quadrant, equator to pole: 10,001,965.729 m.
        (("0", "0"), ("90", "0"), D("10001.966")),
    ],
)
def test_geodesic_matches_published_distances_to_the_metre(a, b, published_km):
    assert geodesic_km(_p(*a), _p(*b)) == published_km
    assert geodesic_km(_p(*b), _p(*a)) == published_km  # symmetric


def test_the_ellipsoid_differs_from_the_method_1_sphere():
    # Along the meridian the 6,371 km sphere gives π/2 × 6,371 = 10,007.543 km, 5.6 km more.
    north = great_circle_km(_p("0", "0"), _p("90", "0"))
    assert north == D("10007.543")
    assert north - geodesic_km(_p("0", "0"), _p("90", "0")) == D("5.577")


def test_geodesic_is_zero_for_one_point_and_quantized_to_a_metre():
    assert geodesic_km(_p("29.5", "106.5"), _p("29.5", "106.5")) == D("0.000")
    assert geodesic_km(_p("29.5", "106.5"), _p("30.5", "104.0")).as_tuple().exponent == -3
