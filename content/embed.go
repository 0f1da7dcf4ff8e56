// Package blogposts embeds the blog's own posts into the binary, so that one
// file is all an operator has to ship. They are a Jekyll site: _config.yml
// names the blog, _posts holds the posts.
package blogposts

import (
	"embed"
	"io/fs"
)

//go:embed _config.yml _posts
var embedded embed.FS

// Posts returns the embedded site (the content folder) as an fs.FS rooted
// at that folder.
func Posts() fs.FS { return embedded }
