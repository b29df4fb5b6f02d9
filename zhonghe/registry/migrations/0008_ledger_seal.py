"""Seal after commit for the ledger: entries are inserted pending (seq, prev_hash, entry_hash NULL) with a
content_hash, and ledger_seal chains them later (registry/ledger.py). Existing rows keep their seq and
entry_hash (the same format) and get their content_hash here; the head row names the last sealed entry.

The ledger's append-only trigger is replaced by one that also allows the one-time sealing of a pending entry
(its seal columns from NULL to set, every other column unchanged). On SQLite the column changes rebuild the
table and drop the old trigger with it, so the new one is installed last on both databases. The retirement
table keeps its plain guard.
"""

import hashlib
import json

from django.db import migrations, models

from zhonghe.lib.append_only import append_only, append_only_except

ENTRY_TABLE = "registry_ledgerentry"
FROZEN = (
    "id", "kind", "project_id", "serial_first", "serial_last", "quantity_t", "from_org_id", "to_org_id",
    "reference", "at", "content_hash",
)  # fmt: skip
SEAL_GUARD = append_only_except(
    ENTRY_TABLE,
    frozen=FROZEN,
    allow_when=(
        "OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.entry_hash IS NULL"
        " AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.entry_hash IS NOT NULL"
    ),
)
PLAIN_GUARD = append_only(ENTRY_TABLE)
GENESIS_HASH = "0" * 64


def _content_hash(row) -> str:
    """registry.ledger.content_hash, frozen here as of this migration."""
    body = {
        "kind": row.kind,
        "project": row.project.code,
        "serial_first": row.serial_first,
        "serial_last": row.serial_last,
        "quantity_t": row.quantity_t,
        "from": str(row.from_org.code) if row.from_org_id else None,
        "to": str(row.to_org.code) if row.to_org_id else None,
        "reference": row.reference,
        "at": row.at.isoformat(),
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fill_content_hashes(apps, schema_editor):
    entry_model = apps.get_model("registry", "LedgerEntry")
    head_model = apps.get_model("registry", "LedgerHead")
    batch = []
    rows = entry_model.objects.select_related("project", "from_org", "to_org").order_by("id")
    for row in rows.iterator(chunk_size=2000):
        row.content_hash = _content_hash(row)
        batch.append(row)
        if len(batch) == 2000:
            entry_model.objects.bulk_update(batch, ["content_hash"])
            batch = []
    entry_model.objects.bulk_update(batch, ["content_hash"])
    last = entry_model.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    head_model.objects.create(pk=1, seq=last[0] if last else 0, entry_hash=last[1] if last else GENESIS_HASH)


def refuse_unless_all_sealed(apps, schema_editor):
    entry_model = apps.get_model("registry", "LedgerEntry")
    if entry_model.objects.filter(seq__isnull=True).exists():
        raise RuntimeError("the ledger has pending entries: run `manage.py ledger_seal` before reversing 0008")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0007_model_names"),
        ("accounts", "__first__"),
    ]

    operations = [
        migrations.RunPython(PLAIN_GUARD[1], PLAIN_GUARD[0]),  # lift the old trigger (reinstalled on reverse)
        migrations.CreateModel(
            name="LedgerHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("entry_hash", models.CharField(default="0" * 64, max_length=64)),
            ],
            options={
                "verbose_name": "登记簿链头",
                "verbose_name_plural": "登记簿链头",
                "constraints": [models.CheckConstraint(condition=models.Q(id=1), name="ledger_head_single_row")],
            },
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="seq",
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="entry_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="content_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="ledgerentry",
            options={"ordering": ["id"], "verbose_name": "登记簿分录", "verbose_name_plural": "登记簿分录"},
        ),
        migrations.RunPython(fill_content_hashes, refuse_unless_all_sealed),
        migrations.RunPython(*SEAL_GUARD),
    ]
