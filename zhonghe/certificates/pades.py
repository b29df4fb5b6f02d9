"""PAdES signature of the certificate PDF (pyHanko), and reading it back. No Django: the offline verifier uses it.

Why a second key: poppler (pdfsig) and most PDF readers do not verify Ed25519 CMS signatures, so the PDF is
signed with an ECDSA P-256 key. Its X.509 certificate is *issued by the platform's Ed25519 signing key* (the
certificate's signature is Ed25519; its issuer names the Ed25519 key id in OU), so whoever holds the published
Ed25519 public key can check that the PDF was signed by the platform — readers that do not know Ed25519 still
check the document's integrity and report the signer as an unknown issuer.

The PDF carries the certificate document (the JSON of GET /api/v1/certificates/{number}: payload, canonical text,
Ed25519 signature, status) as the attachment ``certificate.json``, added in the signed revision, so the PAdES
signature covers it together with every byte of the file.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

ATTACHMENT_NAME = "certificate.json"
CERT_VALIDITY = timedelta(days=3650)
SUBJECT = "Zhonghe 中和 certificate PDF signing"

# The signer is a self-issued leaf under the Ed25519 key, which no trust store knows: pyHanko logs a path-building
# failure on every validation. Trust is decided below (issued_by), so that log is noise.
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko.sign.validation").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.CRITICAL)


def generate_pdf_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def issue_pdf_certificate(
    *, pdf_key: ec.EllipticCurvePrivateKey, issuer_key: Ed25519PrivateKey, issuer_key_id: str, now: datetime
) -> x509.Certificate:
    """The X.509 certificate of `pdf_key`, signed by the Ed25519 platform key `issuer_key` (id in issuer OU)."""
    issuer = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Zhonghe 中和 certificate signing key"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, issuer_key_id),
        ]
    )
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(pdf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(issuer_key, None)
    )


def key_material_pem(pdf_key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> bytes:
    """One PEM text: the PKCS#8 private key, then its certificate."""
    private = pdf_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private + certificate.public_bytes(serialization.Encoding.PEM)


def load_key_material(pem: bytes) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """(key, certificate) from `key_material_pem` text; ValueError when either is missing or they do not match."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"PDF signing key must be ECDSA, got {type(key).__name__}")
    certificate = x509.load_pem_x509_certificate(pem[pem.index(b"-----BEGIN CERTIFICATE-----") :])
    if certificate.public_key().public_numbers() != key.public_key().public_numbers():
        raise ValueError("PDF signing certificate does not belong to the PDF signing key")
    return key, certificate


def issuer_key_id(certificate: x509.Certificate) -> str:
    values = certificate.issuer.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return str(values[0].value) if values else ""


def issued_by(certificate: x509.Certificate, public_key: Ed25519PublicKey) -> bool:
    """Whether `certificate` carries a valid Ed25519 signature by `public_key` (the platform issued it)."""
    try:
        public_key.verify(certificate.signature, certificate.tbs_certificate_bytes)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def sign_pdf(
    pdf: bytes, *, pdf_key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate, document_json: bytes
) -> bytes:
    """`pdf` with ``certificate.json`` attached and a PAdES (ETSI.CAdES.detached) signature over the whole file."""
    der_key = pdf_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    attachment = embed.EmbeddedFileObject.from_file_data(writer, document_json, mime_type="application/json")
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=ATTACHMENT_NAME,
            file_name=ATTACHMENT_NAME,
            embedded_data=attachment,
            description="Signed certificate payload, canonical text and Ed25519 signature",
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="ZhongheSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="碳中和证书 Carbon Neutrality Certificate",
        name=SUBJECT,
    )
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def attached_document(pdf: bytes) -> bytes | None:
    """The bytes of the ``certificate.json`` attachment, or None (no attachment, or not a readable PDF)."""
    try:
        names = PdfFileReader(io.BytesIO(pdf), strict=False).root["/Names"]["/EmbeddedFiles"]["/Names"]
        for index in range(0, len(names) - 1, 2):
            if str(names[index]) == ATTACHMENT_NAME:
                return names[index + 1].get_object()["/EF"]["/F"].get_object().data
    except (PdfError, KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None
    return None


def pdf_signature_check(pdf: bytes) -> tuple[list[str], x509.Certificate | None]:
    """(problems, signer certificate): problems is empty when the file has exactly one signature, it is intact
    (the signed digest matches the bytes) and covers the whole file. The signer is not trusted here."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return [f"PDF cannot be read: {exc}"], None
    if len(signatures) != 1:
        return [f"PDF has {len(signatures)} signatures, expected 1"], None
    signature = signatures[0]
    try:
        # No trust roots: the signer's trust is decided by issued_by, not by any system store.
        status = validate_pdf_signature(signature, signer_validation_context=ValidationContext(trust_roots=[]))
        signer = x509.load_der_x509_certificate(signature.signer_cert.dump())
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        return [f"PDF signature cannot be validated: {exc}"], None
    problems = []
    if not (status.intact and status.valid):
        problems.append("PDF signature is not valid (the file was changed after signing)")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append("PDF signature does not cover the whole file")
    return problems, signer
