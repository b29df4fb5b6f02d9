"""Seal after commit: entries are inserted pending (sequence, prev_hash, entry_hash NULL) with a content_hash,
and audit_seal chains them later. Existing rows keep their first-format entry_hash (digest.chain_hash) and get
their content_hash here; the head's legacy_sequence marks where that format ends, so audit_verify checks both.

The append-only trigger is replaced by one that also allows the one-time sealing of a pending entry (its seal
columns from NULL to set, every other column unchanged). On SQLite the table rebuild of the column changes
drops the old trigger with the old table, so the new one is installed last on both databases.
"""

from django.db import migrations, models

from zhonghe.audit.digest import CONTENT_FIELDS, at_text, content_hash_of
from zhonghe.lib.append_only import append_only, append_only_except

ENTRY_TABLE = "audit_auditentry"
SEAL_GUARD = append_only_except(
    ENTRY_TABLE,
    frozen=("id", *CONTENT_FIELDS, "content_hash"),
    allow_when=(
        "OLD.sequence IS NULL AND OLD.prev_hash IS NULL AND OLD.entry_hash IS NULL"
        " AND NEW.sequence IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.entry_hash IS NOT NULL"
    ),
)
PLAIN_GUARD = append_only(ENTRY_TABLE)


def _content(row) -> dict:
    return {f: at_text(row.at) if f == "at" else getattr(row, f) for f in CONTENT_FIELDS}


def fill_content_hashes(apps, schema_editor):
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditHead")
    batch = []
    for row in entry_model.objects.order_by("id").iterator(chunk_size=2000):
        row.content_hash = content_hash_of(_content(row))
        batch.append(row)
        if len(batch) == 2000:
            entry_model.objects.bulk_update(batch, ["content_hash"])
            batch = []
    entry_model.objects.bulk_update(batch, ["content_hash"])
    head_model.objects.filter(pk=1).update(legacy_sequence=models.F("sequence"))


def refuse_unless_all_legacy(apps, schema_editor):
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditHead")
    head = head_model.objects.filter(pk=1).first()
    legacy = head.legacy_sequence if head else 0
    if entry_model.objects.filter(models.Q(sequence__isnull=True) | models.Q(sequence__gt=legacy)).exists():
        raise RuntimeError("audit log has entries appended after 0002: they cannot go back to the first format")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(PLAIN_GUARD[1], PLAIN_GUARD[0]),  # lift the old trigger (reinstalled on reverse)
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="content_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="audithead",
            name="legacy_sequence",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AlterModelOptions(name="auditentry", options={"ordering": ["id"]}),
        # an object's newest entry by id, for audit_append's per-object before digest, without a sort
        migrations.RemoveIndex(model_name="auditentry", name="audit_object_idx"),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["object_type", "object_code", "id"], name="audit_object_id_idx"),
        ),
        migrations.RunPython(fill_content_hashes, refuse_unless_all_legacy),
        migrations.RunPython(*SEAL_GUARD),
    ]
