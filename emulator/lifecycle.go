package emulator

// Deleting a function (DELETE /fgs/functions/{urn}, the unqualified URN)
// deletes it with its versions, aliases, triggers and tags. An alias
// with triggers cannot be deleted alone (403 FSS.1154); whether that also
// stops the delete of its function is not documented: strict mode says
// it does, lenient mode deletes everything.

// deleteBlocked is strict mode's refusal to delete a function while an
// alias of it has triggers.
func (s *Server) deleteBlocked(t *stx, f *function) *apiError {
	if !s.opts.Strict {
		return nil
	}
	for _, a := range t.aliases(f) {
		if len(t.triggers(f, "!"+a.Name)) > 0 {
			return errf(403, "FSS.1154", "alias %s has triggers: delete them first", a.Name)
		}
	}
	return nil
}
