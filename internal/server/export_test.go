package server

import tea "charm.land/bubbletea/v2"

// InjectPanic makes every app session of s panic when the reader types
// key, to prove that one session's panic ends only that session.
func InjectPanic(s *Server, key string) {
	s.wrapModel = func(m tea.Model) tea.Model { return panicky{m, key} }
}

type panicky struct {
	tea.Model
	key string
}

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == p.key {
		panic("injected panic")
	}
	m, cmd := p.Model.Update(msg)
	return panicky{m, p.key}, cmd
}
