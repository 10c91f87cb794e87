#!/usr/bin/env bash
# Rebuilds the vendored assets of the portal from their npm packages. The binary serves
# these files itself (include_bytes!), so neither cargo nor the browser needs npm or a
# CDN; run this by hand to move to newer versions, then look at the pages again.
set -Eeuo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --no-save --no-audit --no-fund --loglevel=error \
  @utrecht/component-library-css@9 @nl-design-system-unstable/voorbeeld-design-tokens@7 htmx.org@2 >/dev/null
m=node_modules
cp "$m/@utrecht/component-library-css/dist/index.css" "$here/utrecht-components.css"
# The "voorbeeld" theme is the NL Design System's open example theme (EUPL); the
# Utrecht tokens are the municipality's proprietary brand and may not be used.
cp "$m/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css" "$here/voorbeeld-theme.css"
cp "$m/htmx.org/dist/htmx.min.js" "$here/htmx.min.js"
mkdir -p "$here/licences"
cp "$m/@utrecht/component-library-css/LICENSE.md" "$here/licences/utrecht-component-library-css.md"
cp "$m/@nl-design-system-unstable/voorbeeld-design-tokens/LICENSE.md" "$here/licences/voorbeeld-design-tokens.md"
cp "$m/htmx.org/LICENSE" "$here/licences/htmx.txt"
{
  echo "Vendored by update.sh on $(date -u +%Y-%m-%d):"
  for p in @utrecht/component-library-css @nl-design-system-unstable/voorbeeld-design-tokens htmx.org; do
    echo "  $p $(node -p "require('./$m/$p/package.json').version")"
  done
} > "$here/VERSIONS.txt"
