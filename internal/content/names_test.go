package content

import "testing"

// Jekyll 4.3.1 (Ruby 3.1) built these: a post without a title in
// _posts/2017-06-17-edge-case-no-yaml-title.md is "Edge Case No Yaml Title",
// 2017-06-18-iPhone_tips-and--MORE.md is "Iphone_tips And  More",
// 2017-06-26-한글-제목.md is "한글 제목". The rest is Utils.titleize_slug
// run in Ruby.
func TestTitleize(t *testing.T) {
	for _, tc := range []struct{ slug, want string }{
		{"edge-case-no-yaml-title", "Edge Case No Yaml Title"},
		{"iPhone_tips-and--MORE", "Iphone_tips And  More"},
		{"i-dont-like-zeroes", "I Dont Like Zeroes"},
		{"a--b-", "A  B"},
		{"-lead", " Lead"},
		{"éclair-ÉTÉ", "Éclair Été"},
		{"ǆx", "ǅx"},
		{"ßtraße-x", "Sstraße X"},
		{"한글-제목", "한글 제목"},
		{"中文-标题", "中文 标题"},
		{"x-1st-post", "X 1st Post"},
		{"HTML5-CSS3", "Html5 Css3"},
		{"", ""},
	} {
		if got := titleize(tc.slug); got != tc.want {
			t.Errorf("titleize(%q) = %q, want %q", tc.slug, got, tc.want)
		}
	}
}
