"""Certificate PDF rendering (no DB): QR decodes to the verify URL, font embedded, text extractable.

Checks use poppler-utils (pdftoppm, pdffonts, pdftotext) and zbar-tools (zbarimg). Without them the tests
skip locally and fail in CI (ZHONGHE_REQUIRE_TOOLS=1), see zhonghe.lib.tools.require_binary.
"""

from __future__ import annotations

import copy
import logging
import os
import subprocess
from pathlib import Path

import pytest

from zhonghe.certificates.pdf import render_certificate_pdf
from zhonghe.certificates.pdf_fonts import DEFAULT_FONT_PATH, FALLBACK_FONT_NAME
from zhonghe.lib.tools import REQUIRE_TOOLS_ENV, require_binary

VERIFY_URL = "https://zhonghe.example.cn/verify/ZH-2026-000001?k=ed25519:3f2a9c0d1e7b6a54"
SIGNATURE = "Zm9v" * 21 + "YmE="  # 88 base64 chars, the length of an Ed25519 signature
PAYLOAD = {
    "schema": "zhonghe.certificate/1",
    "number": "ZH-2026-000001",
    "event": {
        "code": "3f0c1d52-8b7e-4c55-9d0a-1f2e3d4c5b6a",
        "name": "2026重庆智博会分论坛",
        "kind": "forum",
        "start_date": "2026-09-01",
        "end_date": "2026-09-03",
        "venue_district": "渝中区",
        "venue_address": "解放碑街道民族路188号",
    },
    "organiser": {"name": "重庆市某某局", "uscc": "11500000MB1234567X"},
    "inventory": {
        "version": 1,
        "hash": "9f2b6c1e0d4a8b7c3e5f60718293a4b5c6d7e8f90123456789abcdef01234567",
        "factor_release": "CQ-2025",
        "method_version": "zhonghe-method/1",
        "total_t_co2e": "12.345",
    },
    "offsets": {
        "required_t": 13,
        "retired_t": 13,
        "retirements": [
            {
                "credit_type": "CQCER",
                "project_code": "CQCER-2024-0001",
                "project_name": "武隆区林业碳汇项目",
                "vintage": 2024,
                "serial_first": "CQCER-2024-0001-000000001",
                "serial_last": "CQCER-2024-0001-000000013",
                "quantity_t": 13,
            }
        ],
    },
    "issued_at": "2026-10-01T08:00:00Z",
    "key_id": "ed25519:3f2a9c0d1e7b6a54",
}


def _render(tmp_path: Path, payload: dict | None = None, name: str = "cert.pdf", **kwargs) -> Path:
    pdf = render_certificate_pdf(payload=payload or PAYLOAD, verify_url=VERIFY_URL, signature_b64=SIGNATURE, **kwargs)
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _run(binary: str, *args: str | Path) -> str:
    # stderr is captured, not checked: zbarimg prints harmless dbus noise in containers.
    done = subprocess.run([require_binary(binary), *map(str, args)], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def _require_default_font() -> None:
    if os.path.isfile(DEFAULT_FONT_PATH):
        return
    reason = f"{DEFAULT_FONT_PATH} missing (Debian package fonts-wqy-zenhei)"
    if os.environ.get(REQUIRE_TOOLS_ENV) == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.mark.parametrize("dpi", ["150", "200"])
def test_qr_decodes_to_exactly_the_verify_url(tmp_path, dpi):
    pdf = _render(tmp_path)
    _run("pdftoppm", "-r", dpi, "-png", "-f", "1", "-l", "1", "-singlefile", pdf, tmp_path / "page")
    decoded = _run("zbarimg", "--raw", "-q", tmp_path / "page.png")
    assert decoded.rstrip("\n") == VERIFY_URL


def test_wenquanyi_font_is_embedded(tmp_path):
    _require_default_font()
    fonts = _run("pdffonts", _render(tmp_path)).splitlines()
    wqy = [line for line in fonts if "WenQuanYi" in line]
    assert wqy, fonts
    # Columns: name type encoding emb sub uni ...; a subset name looks like AAAAAA+WenQuanYiZenHei-0.
    assert all(line.split()[-5] == "yes" for line in wqy), wqy
    assert not any(FALLBACK_FONT_NAME in line for line in fonts)


def test_text_has_title_number_and_fields(tmp_path):
    text = _run("pdftotext", _render(tmp_path), "-")
    for expected in ("碳中和证书", "ZH-2026-000001", "2026重庆智博会分论坛", "11500000MB1234567X", "12.345"):
        assert expected in text
    assert "CQCER-2024-0001-000000013" in text
    assert PAYLOAD["inventory"]["hash"] in text  # full hash in small print
    assert VERIFY_URL.split("?")[0] in text.replace("\n", "")


def test_emissions_show_three_decimals_and_credits_whole_tonnes_both_grouped(tmp_path):
    big = copy.deepcopy(PAYLOAD)
    big["inventory"]["total_t_co2e"] = "1234.567"
    big["inventory"]["range_95"] = {"low_t_co2e": "1100.2", "high_t_co2e": "1369.9"}
    big["offsets"].update(required_t=1235, retired_t=1235)
    big["offsets"]["retirements"][0]["quantity_t"] = 1235
    text = _run("pdftotext", _render(tmp_path, big), "-")
    assert "1,234.567 tCO" in text and "1234.567" not in text
    assert "1,100.200 – 1,369.900" in text
    assert "应抵消 1,235 t，已注销 1,235 t" in text  # credits are whole tonnes (issue 11: "还需注销 12 吨")
    assert "注销 1,235 吨碳信用" in text.replace("\n", "")
    assert text.count("1,235") >= 4  # statement, offsets field, retirement row
    assert "1,235." not in text  # no credit figure with decimals
    assert "1235" not in text.replace("1,235", "")


def test_missing_font_falls_back_with_warning(tmp_path, caplog):
    missing = str(tmp_path / "no-such-font.ttc")
    with caplog.at_level(logging.WARNING, logger="zhonghe.certificates.pdf_fonts"):
        pdf = _render(tmp_path, font_path=missing)
    assert any(missing in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert FALLBACK_FONT_NAME in _run("pdffonts", pdf)
    assert "碳中和证书" in _run("pdftotext", pdf, "-")


def test_missing_optional_keys_render(tmp_path):
    sparse = copy.deepcopy(PAYLOAD)
    del sparse["event"]["venue_address"]
    del sparse["event"]["end_date"]
    del sparse["organiser"]
    sparse["offsets"] = {"required_t": 13}
    text = _run("pdftotext", _render(tmp_path, sparse), "-")
    assert "渝中区" in text and "ZH-2026-000001" in text


def test_minimal_payload_renders():
    pdf = render_certificate_pdf(payload={}, verify_url=VERIFY_URL, signature_b64="")
    assert pdf.startswith(b"%PDF-")


def test_markup_characters_are_escaped(tmp_path):
    tricky = copy.deepcopy(PAYLOAD)
    tricky["organiser"]["name"] = "A&B <公司> 'x'"
    text = _run("pdftotext", _render(tmp_path, tricky), "-")
    assert "A&B <公司>" in text


def test_status_label_is_shown(tmp_path):
    text = _run("pdftotext", _render(tmp_path, status_label="已撤销 REVOKED"), "-")
    assert "已撤销" in text


def test_many_retirements_flow_onto_more_pages_with_qr_on_each(tmp_path):
    many = copy.deepcopy(PAYLOAD)
    row = many["offsets"]["retirements"][0]
    many["offsets"]["retirements"] = [
        {**row, "serial_first": f"CQCER-2024-0001-{i:09d}", "serial_last": f"CQCER-2024-0001-{i:09d}"}
        for i in range(1, 13)
    ]
    pdf = _render(tmp_path, many)
    text = _run("pdftotext", pdf, "-")
    assert "CQCER-2024-0001-000000012" in text
    assert text.count("\f") >= 2  # pdftotext ends every page with a form feed
    _run("pdftoppm", "-r", "150", "-png", "-f", "2", "-l", "2", "-singlefile", pdf, tmp_path / "p2")
    assert _run("zbarimg", "--raw", "-q", tmp_path / "p2.png").rstrip("\n") == VERIFY_URL


def test_output_is_deterministic():
    kwargs = {"payload": PAYLOAD, "verify_url": VERIFY_URL, "signature_b64": SIGNATURE}
    assert render_certificate_pdf(**kwargs) == render_certificate_pdf(**kwargs)


def test_require_binary_skips_locally_and_fails_in_ci(monkeypatch):
    missing = "zhonghe-no-such-binary"
    monkeypatch.delenv(REQUIRE_TOOLS_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=missing):
        require_binary(missing)
    monkeypatch.setenv(REQUIRE_TOOLS_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=missing):
        require_binary(missing)
    assert require_binary("sh").endswith("/sh")
