// Package blogposts embeds the blog's own posts into the binary, so that one
// file is all an operator has to ship.
package blogposts

import (
	"embed"
	"io/fs"
)

//go:embed posts
var embedded embed.FS

// Posts returns the embedded posts folder (content/posts) as an fs.FS rooted
// at that folder.
func Posts() fs.FS {
	sub, err := fs.Sub(embedded, "posts")
	if err != nil {
		// fs.Sub only fails on an invalid path, and "posts" is a constant.
		panic(err)
	}
	return sub
}
