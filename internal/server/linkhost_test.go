package server

import (
	"net"
	"os"
	"testing"
)

func TestLinkHost(t *testing.T) {
	name, _ := os.Hostname()
	tcp := func(s string) net.Addr {
		a, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		public string
		listen net.Addr
		want   string
	}{
		{"blog.example.com", tcp("127.0.0.1:2222"), "blog.example.com"},
		{"blog.example.com:22", nil, "blog.example.com"},
		{"blog.example.com:2222", nil, "-p 2222 blog.example.com"},
		{"", tcp("192.0.2.7:22"), "192.0.2.7"},
		{"", tcp("127.0.0.1:2222"), "-p 2222 127.0.0.1"},
		{"", tcp("[::1]:2222"), "-p 2222 ::1"},
		{"", tcp("0.0.0.0:2222"), "-p 2222 " + name},
		{"", tcp("[::]:22"), name},
		{"", nil, ""},
	}
	for _, tt := range tests {
		if got := LinkHost(tt.public, tt.listen); got != tt.want {
			t.Errorf("LinkHost(%q, %v) = %q, want %q", tt.public, tt.listen, got, tt.want)
		}
	}
}
