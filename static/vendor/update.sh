#!/usr/bin/env bash
# Re-create the vendored front-end assets in static/vendor/ from the npm registry.
#
# Usage: bash static/vendor/update.sh    (edit the versions below, run, review the diff, commit)
#
# Needs npm, tar and openssl. Every tarball is checked against the registry's `dist.integrity` before
# anything is extracted; only the minified runtime files and the licence files are kept (no node_modules,
# no sources, no source maps). README.md and SHA256SUMS in this folder are written by this script.
set -euo pipefail

BOOTSTRAP=5.3.9
HTMX=2.0.11
ECHARTS=6.1.0
# echarts.min.js bundles zrender and tslib's helpers; their licences travel with it, at the versions that
# echarts pins in its package.json (checked below).
ZRENDER=6.1.0
TSLIB=2.3.0

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A INTEGRITY LICENSE_ID

# fetch PKG VERSION: npm pack into $work, verify the integrity, extract to $work/PKG/package/
fetch() {
    local pkg=$1 ver=$2 want got tgz
    want=$(npm view "$pkg@$ver" dist.integrity)
    LICENSE_ID[$pkg]=$(npm view "$pkg@$ver" license)
    tgz=$(cd "$work" && npm pack "$pkg@$ver" --silent | tail -1)
    got="sha512-$(openssl dgst -sha512 -binary "$work/$tgz" | base64 -w0)"
    if [[ $got != "$want" ]]; then
        echo "integrity mismatch for $pkg@$ver: registry says $want, tarball is $got" >&2
        exit 1
    fi
    INTEGRITY[$pkg]=$want
    mkdir -p "$work/$pkg"
    tar -xzf "$work/$tgz" -C "$work/$pkg"
}

# keep SRC DEST: copy one file. A .js/.css file that ends in a sourceMappingURL comment loses that line,
# because the .map files are not kept (a dangling reference makes Django's ManifestStaticFilesStorage fail
# in collectstatic, and browsers' dev tools fetch a 404); every other file stays byte for byte.
keep() {
    local src=$1 dest=$2
    mkdir -p "$(dirname "$dest")"
    local map='^(//|/\*)# sourceMappingURL='
    if [[ $dest == *.js || $dest == *.css ]] && grep -q -E "$map" "$src"; then
        grep -v -E "$map" "$src" >"$dest"
    else
        cp "$src" "$dest" # byte for byte as in the package
    fi
    [[ -s $dest ]] || { echo "empty file after copy: $dest" >&2; exit 1; }
}

fetch bootstrap "$BOOTSTRAP"
fetch htmx.org "$HTMX"
fetch echarts "$ECHARTS"
fetch zrender "$ZRENDER"
fetch tslib "$TSLIB"

pinned() { sed -n "s/^ *\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$work/echarts/package/package.json" | sed -n 1p; }
[[ $(pinned zrender) == "$ZRENDER" && $(pinned tslib) == "$TSLIB" ]] || {
    echo "echarts@$ECHARTS pins zrender $(pinned zrender) and tslib $(pinned tslib): update ZRENDER/TSLIB" >&2
    exit 1
}

# Start from a clean slate so an old version never lingers next to the new one.
find "$here" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +

b="$here/bootstrap-$BOOTSTRAP" p="$work/bootstrap/package"
keep "$p/dist/css/bootstrap.min.css" "$b/bootstrap.min.css"
keep "$p/dist/js/bootstrap.bundle.min.js" "$b/bootstrap.bundle.min.js"
keep "$p/LICENSE" "$b/LICENSE"

h="$here/htmx.org-$HTMX" p="$work/htmx.org/package"
keep "$p/dist/htmx.min.js" "$h/htmx.min.js"
keep "$p/LICENSE" "$h/LICENSE"

e="$here/echarts-$ECHARTS" p="$work/echarts/package"
keep "$p/dist/echarts.min.js" "$e/echarts.min.js"
keep "$p/LICENSE" "$e/LICENSE"
keep "$p/NOTICE" "$e/NOTICE"
keep "$p/licenses/LICENSE-d3" "$e/LICENSE-d3"
keep "$work/zrender/package/LICENSE" "$e/LICENSE-zrender"
keep "$work/tslib/package/LICENSE.txt" "$e/LICENSE-tslib"

(cd "$here" && find . -mindepth 2 -type f | sed 's#^\./##' | LC_ALL=C sort | xargs sha256sum) >"$here/SHA256SUMS"

# shellcheck disable=SC2016 # the backquotes are Markdown, not shell
files() { (cd "$1" && find . -type f | sed 's#^\./##' | LC_ALL=C sort | sed 's/.*/`&`/' | paste -sd' ' | sed 's/ /, /g'); }
size() { du -sh --apparent-size "$1" | cut -f1; }

cat >"$here/README.md" <<EOF
# Vendored front-end assets

Served by Django's staticfiles from this folder: the pages work offline, no CDN. Written by
\`static/vendor/update.sh\`, which takes each package from the npm registry with \`npm pack\`, checks the tarball
against the registry's \`dist.integrity\`, and keeps only the minified runtime files and the licences.
Do not edit the files by hand: change the versions in the script, run it, review the diff.

| package | version | licence | npm tarball integrity (\`npm view <pkg>@<ver> dist.integrity\`) | folder | files kept |
|---|---|---|---|---|---|
| bootstrap | $BOOTSTRAP | ${LICENSE_ID[bootstrap]} | \`${INTEGRITY[bootstrap]}\` | \`bootstrap-$BOOTSTRAP/\` ($(size "$b")) | $(files "$b") |
| htmx.org | $HTMX | ${LICENSE_ID[htmx.org]} | \`${INTEGRITY[htmx.org]}\` | \`htmx.org-$HTMX/\` ($(size "$h")) | $(files "$h") |
| echarts | $ECHARTS | ${LICENSE_ID[echarts]} | \`${INTEGRITY[echarts]}\` | \`echarts-$ECHARTS/\` ($(size "$e")) | $(files "$e") |

Kept from each package: bootstrap \`dist/css/bootstrap.min.css\`, \`dist/js/bootstrap.bundle.min.js\` (includes
Popper), \`LICENSE\`; htmx.org \`dist/htmx.min.js\`, \`LICENSE\`; echarts \`dist/echarts.min.js\` (the full build),
\`LICENSE\`, \`NOTICE\`, \`licenses/LICENSE-d3\`.

Bundled inside \`echarts.min.js\`, so their licences are kept beside it (tarballs checked the same way):

| package | version | licence | npm tarball integrity | kept as |
|---|---|---|---|---|
| zrender | $ZRENDER | ${LICENSE_ID[zrender]} | \`${INTEGRITY[zrender]}\` | \`echarts-$ECHARTS/LICENSE-zrender\` |
| tslib | $TSLIB | ${LICENSE_ID[tslib]} | \`${INTEGRITY[tslib]}\` | \`echarts-$ECHARTS/LICENSE-tslib\` |

The one change made to the files: the trailing \`sourceMappingURL\` comment of \`bootstrap.min.css\` and
\`bootstrap.bundle.min.js\` is removed, since the \`.map\` files are not kept (a dangling reference makes
\`ManifestStaticFilesStorage\` fail in \`collectstatic\`). All other files are byte for byte as in the tarballs.
\`SHA256SUMS\` lists the kept files as committed: \`cd static/vendor && sha256sum -c SHA256SUMS\`.

In templates:

\`\`\`django
<link rel="stylesheet" href="{% static 'vendor/bootstrap-$BOOTSTRAP/bootstrap.min.css' %}">
<script src="{% static 'vendor/bootstrap-$BOOTSTRAP/bootstrap.bundle.min.js' %}" defer></script>
<script src="{% static 'vendor/htmx.org-$HTMX/htmx.min.js' %}" defer></script>
<script src="{% static 'vendor/echarts-$ECHARTS/echarts.min.js' %}"></script>
\`\`\`
EOF

echo "static/vendor updated:"
du -sh --apparent-size "$here"/*/
