"""The PDF-signing key (ECDSA P-256) and its X.509 certificate, issued by the Ed25519 signing key (pades.py).

Where it comes from, in this order:

1. ``ZHONGHE_PDF_SIGNING_KEY`` (settings.PDF_SIGNING_KEY_PEM): the PEM text (PKCS#8 key, then the certificate);
2. the file ``ZHONGHE_PDF_SIGNING_KEY_FILE`` (settings.PDF_SIGNING_KEY_FILE; default ``pdf_signing_key.pem``
   beside the Ed25519 key file), written by ``manage.py signing_key init`` and again by ``signing_key rotate``.

Unlike the Ed25519 key, a missing or stale file (its certificate issued by another Ed25519 key than the
configured one, e.g. after a rotation) is (re)made on use: the new certificate is issued by the configured
Ed25519 key, so whatever instance made it, the published key checks it. Writes are atomic.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.certificates import pades
from zhonghe.certificates.keys import SigningUnavailable, signing_key


def pdf_key_file() -> Path:
    configured = getattr(settings, "PDF_SIGNING_KEY_FILE", None) or os.environ.get("ZHONGHE_PDF_SIGNING_KEY_FILE")
    return Path(configured) if configured else Path(settings.SIGNING_KEY_FILE).with_name("pdf_signing_key.pem")


def _configured_pem() -> str:
    return (getattr(settings, "PDF_SIGNING_KEY_PEM", None) or os.environ.get("ZHONGHE_PDF_SIGNING_KEY", "")).strip()


def _write(material: bytes) -> Path:
    path = pdf_key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(material)
    os.replace(temporary, path)
    return path


def make_pdf_key() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new PDF key and certificate issued by the configured Ed25519 key, written to the key file."""
    ed_key, ed_key_id = signing_key()
    pdf_key = pades.generate_pdf_key()
    certificate = pades.issue_pdf_certificate(
        pdf_key=pdf_key, issuer_key=ed_key, issuer_key_id=ed_key_id, now=timezone.now()
    )
    _write(pades.key_material_pem(pdf_key, certificate))
    return pdf_key, certificate


def pdf_signer() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """The PDF key and certificate to sign with. Raises SigningUnavailable (503) for a broken configured PEM."""
    pem = _configured_pem()
    if pem:
        try:
            return pades.load_key_material(pem.encode("ascii"))
        except (ValueError, UnicodeError) as exc:
            raise SigningUnavailable(_("签名密钥不可用，请联系平台运营方")) from exc
    _ed_key, ed_key_id = signing_key()
    path = pdf_key_file()
    try:
        pdf_key, certificate = pades.load_key_material(path.read_bytes())
    except (OSError, ValueError):
        return make_pdf_key()
    if pades.issuer_key_id(certificate) != ed_key_id or certificate.not_valid_after_utc <= timezone.now():
        return make_pdf_key()
    return pdf_key, certificate
