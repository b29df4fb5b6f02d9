from django.db import migrations

from zhonghe.lib.append_only import append_only_except

# A certificate never changes after issue; the one allowed update is its revocation (valid → revoked, with
# revoked_at and revoke_reason). The database refuses anything else (and, on PostgreSQL, DELETE).
CERTIFICATE_GUARD = append_only_except(
    "certificates_certificate",
    frozen=(
        "id",
        "code",
        "number",
        "event_id",
        "inventory_id",
        "payload",
        "payload_canonical",
        "signature",
        "key_id",
        "issued_at",
    ),
    allow_when="OLD.status = 'valid' AND NEW.status = 'revoked'",
)


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0002_signing_key_status_retired_at"),
    ]

    operations = [
        migrations.RunPython(*CERTIFICATE_GUARD),
    ]
