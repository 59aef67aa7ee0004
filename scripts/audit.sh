#!/usr/bin/env bash
# Audit the packages in .venv for known vulnerabilities with pip-audit (CI runs this after the tests).
# Fails on any vulnerability not listed below; each listed one is explained in SECURITY.md.
# Packages the vulnerability service does not know are counted and named, never passed over silently.
set -euo pipefail
cd "$(dirname "$0")/.."
ignored=()
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
.venv/bin/pip-audit --progress-spinner off --skip-editable --format json --output "$report" "${ignored[@]}" || status=$?
.venv/bin/python - "$report" "$status" <<'PY'
import json
import sys

path, status = sys.argv[1], int(sys.argv[2])
try:
    with open(path, encoding="utf-8") as f:
        packages = json.load(f)["dependencies"]
except (OSError, ValueError, KeyError):
    sys.exit(f"pip-audit failed (exit {status}) before writing a report")
vulnerable = [(p["name"], p["version"], v["id"], v.get("fix_versions")) for p in packages for v in p.get("vulns", [])]
skipped = sorted(p["name"] for p in packages if "skip_reason" in p)
print(f"pip-audit: {len(packages) - len(skipped)} of {len(packages)} packages audited, "
      f"{len(vulnerable)} known vulnerabilities")
for name, version, vuln, fixed in vulnerable:
    print(f"  VULNERABLE {name}=={version}: {vuln} (fixed in {', '.join(fixed) or 'no release yet'})")
if skipped:
    print(f"  WARNING: the vulnerability service does not know {len(skipped)} packages, not audited: "
          + ", ".join(skipped))
    print("  (see SECURITY.md for the manual check of those against the PyPA advisory database)")
sys.exit(1 if vulnerable or status not in (0, 1) else 0)
PY
