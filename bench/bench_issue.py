"""Certificate issuance benchmark: payload canonicalisation (RFC 8785) + Ed25519 signature + PDF + PAdES.

Run alone (``.venv/bin/python bench/bench_issue.py``) or from ``bench/run.py``. A /4 payload with R retired
serial ranges is canonicalised and signed, the certificate PDF rendered (embedded CJK font, QR code) and then
signed with the ECDSA P-256 PDF key whose certificate the Ed25519 key issued, with the document attached —
the work of one issue plus its first download. The database writes of certificate_issue (a few rows under the
event lock) are not included. Prints figures only; nothing asserts on time.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from zhonghe.certificates import pades  # noqa: E402
from zhonghe.certificates.pdf import render_certificate_pdf  # noqa: E402
from zhonghe.certificates.signing import canonical_jcs, generate_private_key, key_id_for, sign_canonical  # noqa: E402

SIZES = [(1, 20), (20, 10)]  # (retired serial ranges, issues)
FONT = os.environ.get("ZHONGHE_CERT_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
ISSUER = "中和（Zhonghe）大型会议和活动碳中和平台"  # as certificates/payload.py (which needs Django)
VERIFY_URL = "https://zhonghe.example.cn/verify/ZH-2027-000001/"


def payload(ranges: int, key_id: str) -> dict:
    retirements = [
        {"number": f"ZH-R-2027-{i:06d}", "credit_type": "CQCER", "project_code": "CQCER-2025-0007",
         "project_name": "武隆区仙女山镇林场村森林经营碳汇项目", "vintage": 2025,
         "serial_first": f"CQCER-2025-0007-{i * 100 + 1:09d}", "serial_last": f"CQCER-2025-0007-{i * 100 + 13:09d}",
         "quantity_t": 13}
        for i in range(ranges)
    ]  # fmt: skip
    return {
        "schema": "zhonghe.certificate/4", "number": "ZH-2027-000001", "issuer": ISSUER,
        "event": {"code": "4f0c6c1e-0000-4000-8000-000000000001", "name": "2027年重庆市绿色发展论坛", "kind": "forum",
                  "start_date": "2027-03-10", "end_date": "2027-03-11", "venue_district": "渝中区",
                  "venue_address": "重庆市渝中区人民路173号"},
        "organiser": {"name": "重庆市示范单位", "uscc": "11500000MB0000010X"},
        "inventory": {"version": 1, "hash": "ab" * 32, "factor_release": "CQ-2025.2",
                      "method_version": "zhonghe-method/2", "factor_release_hash": "cd" * 32,
                      "total_t_co2e": str(Decimal(13 * ranges) - Decimal("0.164")),
                      "range_95": {"low_t_co2e": "11.902", "high_t_co2e": "13.771"}},
        "offsets": {"required_t": 13 * ranges, "retired_t": 13 * ranges, "retirements": retirements,
                    "external_t": 0, "external_cancellations": []},
        "evaluation": {"mode": "third_party", "verifier": {"name": "重庆核查中心", "uscc": "12500000MB0000020Y"},
                       "conclusion_digest": "ef" * 32, "concluded_at": "2027-03-25T02:00:00Z",
                       "accepted_at": "2027-03-26T02:00:00Z"},
        "completed_late": False, "supersedes": None, "ledger_head": {"hash": "01" * 32, "entries": 4 * ranges},
        "issued_at": "2027-03-28T01:30:15Z", "issued_at_beijing": "2027-03-28T09:30:15+08:00", "key_id": key_id,
    }  # fmt: skip


def one_issue(ranges: int, ed_key, ed_key_id: str, pdf_key, pdf_cert) -> dict[str, float]:
    stages, start = {}, time.perf_counter()
    body = payload(ranges, ed_key_id)
    canonical = canonical_jcs(body)
    signature = sign_canonical(canonical, ed_key)
    stages["payload+sign"] = time.perf_counter() - start
    mark = time.perf_counter()
    pdf = render_certificate_pdf(payload=body, verify_url=VERIFY_URL, signature_b64=signature, font_path=FONT)
    stages["pdf"] = time.perf_counter() - mark
    mark = time.perf_counter()
    document = {"number": body["number"], "status": "valid", "payload": body, "payload_canonical": canonical,
                "signature": signature, "key_id": ed_key_id}  # fmt: skip
    pades.sign_pdf(pdf, pdf_key=pdf_key, certificate=pdf_cert, document_json=json.dumps(document).encode())
    stages["pades"] = time.perf_counter() - mark
    stages["total"] = time.perf_counter() - start
    return stages


def main(argv: list[str] | None = None) -> None:
    ed_key = generate_private_key()
    ed_key_id = key_id_for(ed_key)
    pdf_key = pades.generate_pdf_key()
    pdf_cert = pades.issue_pdf_certificate(
        pdf_key=pdf_key, issuer_key=ed_key, issuer_key_id=ed_key_id, now=datetime.now(UTC)
    )
    print(f"Certificate issuance benchmark — Python {platform.python_version()}; median ms per issue (best)\n")
    header = f"{'ranges':>7} {'issues':>7} {'payload+sign':>16} {'pdf':>16} {'pades':>16} {'total':>16} {'issues/s':>9}"
    print(header)
    print("-" * len(header))
    one_issue(1, ed_key, ed_key_id, pdf_key, pdf_cert)  # warm-up: font registration, imports
    for ranges, issues in SIZES:
        runs = [one_issue(ranges, ed_key, ed_key_id, pdf_key, pdf_cert) for _ in range(issues)]
        cells = []
        for stage in ("payload+sign", "pdf", "pades", "total"):
            values = [run[stage] * 1000 for run in runs]
            cells.append(f"{statistics.median(values):,.2f} ({min(values):,.2f})")
        per_second = 1 / statistics.median(run["total"] for run in runs)
        print(f"{ranges:>7} {issues:>7} " + " ".join(f"{c:>16}" for c in cells) + f" {per_second:>9.1f}")
    print("\nissues/s = 1 / median total: one process, one core; the database writes are not included.")


if __name__ == "__main__":
    main(sys.argv[1:])
