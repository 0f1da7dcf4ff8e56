#!/usr/bin/env bash
# The reference side of the differential test (cmd/sshblog/faithful_test.go):
# builds a Jekyll or Hugo site with the real tool and prints, as JSON, every
# post the built site shows: path, url, title, date (RFC 3339, in the zone
# the tool shows it in), tags (tags then categories), language,
# translations and the plain text of the post's HTML.
#
# Usage: scripts/faithful.sh SITE_DIR [OUT.json]
#   e.g. scripts/faithful.sh internal/content/testdata/sites/jekyll-news
#
# The site is copied to a temporary folder, so SITE_DIR is never written.
# One page is added that loops over the posts and prints them, with no
# theme and no layout: Jekyll gets posts.json (layout: null, jsonify),
# Hugo a home page in its JSON output format (layouts/index.json).
# Both tools strip the HTML themselves (strip_html, plainify); a space is
# put before each tag first, so that "<p>a</p><p>b</p>" gives "a b".
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 SITE_DIR [OUT.json]" >&2
  exit 2
fi
site=$1
out=${2:-/dev/stdout}
if [ ! -d "$site" ]; then
  echo "$0: $site is not a folder: give a site root (with _config.yml, or hugo.toml/config.toml/config/)" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/faithful.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R "$site/." "$tmp/src"

if [ -f "$tmp/src/_config.yml" ]; then
  command -v jekyll >/dev/null || { echo "$0: jekyll is not installed (scripts/test.sh installs it)" >&2; exit 3; }
  # {%- -%} and the one-line loop keep the output valid JSON with no
  # stray whitespace; jsonify quotes every value.
  cat >"$tmp/src/posts.json" <<'EOF'
---
layout: null
permalink: /posts.json
---
{
  "tool": "jekyll",
  "timezone": {{ site.timezone | jsonify }},
  "posts": [
{%- for p in site.posts %}
    {"path": {{ p.path | jsonify }}, "url": {{ p.url | jsonify }}, "title": {{ p.title | jsonify }}, "date": {{ p.date | date: "%Y-%m-%dT%H:%M:%S%:z" | jsonify }}, "tags": {{ p.tags | concat: p.categories | jsonify }}, "lang": {{ p.lang | default: site.lang | jsonify }}, "text": {{ p.content | replace: "<", " <" | strip_html | normalize_whitespace | strip | jsonify }}}{% unless forloop.last %},{% endunless %}
{%- endfor %}
  ]
}
EOF
  # Jekyll changes into the source folder and reads a Gemfile there if
  # any; the corpus has none, so the system gems are used.
  (cd "$tmp/src" && jekyll build --quiet --safe -s . -d "$tmp/site") >"$tmp/log" 2>&1 || {
    echo "$0: jekyll build of $site failed:" >&2; cat "$tmp/log" >&2; exit 1; }
  cp "$tmp/site/posts.json" "$out"
elif [ -f "$tmp/src/hugo.toml" ] || [ -f "$tmp/src/hugo.yaml" ] || [ -f "$tmp/src/hugo.json" ] ||
  [ -f "$tmp/src/config.toml" ] || [ -f "$tmp/src/config.yaml" ] || [ -f "$tmp/src/config.json" ] ||
  [ -d "$tmp/src/config" ]; then
  command -v hugo >/dev/null || { echo "$0: hugo is not installed (scripts/test.sh installs it)" >&2; exit 3; }
  mkdir -p "$tmp/src/layouts"
  # Every regular page of every language; "main" says whether Hugo counts
  # its section among the site's main sections (the blog's posts), which
  # Hugo works out itself when the config does not set mainSections.
  cat >"$tmp/src/layouts/index.json" <<'EOF'
{{- $main := .Site.Params.mainSections -}}
{{- $pages := slice -}}
{{- range where .Site.AllPages "Kind" "page" -}}
  {{- $tr := slice -}}
  {{- range .Translations }}{{ $tr = $tr | append (dict "lang" .Lang "url" .RelPermalink "path" (path.Join (.Language.ContentDir | default "content") .File.Path)) }}{{ end -}}
  {{- $text := trim (.Content | replaceRE "<" " <" | plainify | htmlUnescape | replaceRE "\\s+" " ") " " -}}
  {{- $tags := slice -}}
  {{- with .Params.tags }}{{ $tags = $tags | append . }}{{ end -}}
  {{- with .Params.categories }}{{ $tags = $tags | append . }}{{ end -}}
  {{- $dir := .Language.ContentDir | default "content" -}}
  {{- $pages = $pages | append (dict "path" (path.Join $dir .File.Path) "url" .RelPermalink "title" .Title "date" (.Date.Format "2006-01-02T15:04:05Z07:00") "tags" $tags "lang" .Lang "section" .Section "main" (in $main .Section) "draft" .Draft "translations" $tr "text" $text) -}}
{{- end -}}
{{- dict "tool" "hugo" "defaultLanguage" site.Sites.First.Language.Lang "posts" $pages | jsonify (dict "indent" "  ") }}
EOF
  # The home page in the JSON format only, for the default language; the
  # template lists every language's pages itself.
  (cd "$tmp/src" && HUGO_OUTPUTS_HOME=json hugo --quiet -d "$tmp/site") >"$tmp/log" 2>&1 || {
    echo "$0: hugo build of $site failed:" >&2; cat "$tmp/log" >&2; exit 1; }
  # With defaultContentLanguageInSubdir the default language's home is
  # in its own folder.
  f=$tmp/site/index.json
  [ -f "$f" ] || f=$(ls "$tmp"/site/*/index.json | head -1)
  cp "$f" "$out"
else
  echo "$0: $site has no _config.yml (Jekyll) nor hugo.toml/config.toml/config/ (Hugo)" >&2
  exit 2
fi
