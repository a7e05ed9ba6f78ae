package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// View renders a plan for people or machines. It holds presentation only:
// what apply does is decided by the Plan.
type View struct {
	// Color enables ANSI colours (only on a terminal, never with NO_COLOR).
	Color bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiBold   = "\x1b[1m"
)

func (v View) paint(a Action, s string) string {
	if !v.Color {
		return s
	}
	switch a {
	case Create:
		return ansiGreen + s + ansiReset
	case Update:
		return ansiYellow + s + ansiReset
	case Delete, Replace:
		return ansiRed + s + ansiReset
	case NoOp:
	}
	return s
}

// Text writes the plan the way Terraform users read plans: one block per
// changed function, one line per changed field, the functions that could
// not be planned, what unchanged functions did not do, then a summary
// line.
func (v View) Text(w io.Writer, p *Plan) error { return v.text(w, p, summaryLine(p), "cannot plan") }

// text writes the plan's blocks, the failures (each "NAME: failed: ..."),
// then summary.
func (v View) text(w io.Writer, p *Plan, summary, failed string) error {
	var b strings.Builder
	v.dependencyText(&b, p)
	for _, f := range p.Functions {
		if f.Action == NoOp {
			continue
		}
		fmt.Fprintf(&b, "%s %s (%s)\n", v.paint(f.Action, f.Action.Symbol()), f.Title(), f.Action)
		for i, s := range f.Steps {
			if i == 0 || f.Steps[i-1].Type() != s.Type() {
				fmt.Fprintf(&b, "    %s:\n", s.Type().Title())
			}
			for _, c := range s.Changes {
				v.writeChange(&b, c)
			}
		}
		for _, n := range f.Notes {
			fmt.Fprintf(&b, "    note: %s\n", n)
		}
		b.WriteString("\n")
	}
	for _, fe := range p.Failures {
		fmt.Fprintf(&b, "%s %s: %s: %s\n", v.paint(Delete, "!"), fe.Title(), failed, strings.TrimPrefix(fe.Error(), fe.Name+": "))
	}
	if len(p.Failures) > 0 {
		b.WriteString("\n")
	}
	noted := false
	for _, f := range p.Functions {
		if f.Action == NoOp {
			for _, n := range f.Notes {
				fmt.Fprintf(&b, "  %s: %s\n", f.Title(), n)
				noted = true
			}
		}
	}
	if noted {
		b.WriteString("\n")
	}
	b.WriteString(summary)
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryLine counts the plan: "Plan: 1 to create, 2 to update, 3
// unchanged." or "No changes. 3 functions up to date.", and the functions
// that could not be planned.
func summaryLine(p *Plan) string {
	s := p.Summary()
	failed := ""
	if s.Failed > 0 {
		failed = fmt.Sprintf(", %d could not be planned", s.Failed)
	}
	if !p.HasChanges() && s.Failed > 0 {
		// Not "No changes.": what could not be planned may well need some.
		return fmt.Sprintf("Nothing to change in what could be planned: %d function%s up to date%s.", s.Unchanged, plural(s.Unchanged), failed)
	}
	if !p.HasChanges() {
		return fmt.Sprintf("No changes. %d function%s up to date.", s.Unchanged, plural(s.Unchanged))
	}
	deleted := ""
	if s.Delete > 0 {
		deleted = fmt.Sprintf(", %d to delete", s.Delete)
	}
	return fmt.Sprintf("Plan: %d to create, %d to update%s, %d unchanged%s%s.", s.Create, s.Update, deleted, s.Unchanged, dependencySummary(p), failed)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (v View) writeChange(b *strings.Builder, c Change) {
	sym := v.paint(c.Action, c.Action.Symbol())
	if c.Action == Replace {
		// The values are in JSON and Markdown plans; a text plan says why.
		fmt.Fprintf(b, "      %s %s (%s)\n", sym, c.Field, c.Reason)
		return
	}
	before, after := display(c.Field, c.Before, c.Sensitive), display(c.Field, c.After, c.Sensitive)
	if !c.Sensitive && (strings.Contains(before, "\n") || strings.Contains(after, "\n")) {
		fmt.Fprintf(b, "      %s %s:\n", sym, c.Field)
		for _, l := range lineDiff(fmt.Sprint(orEmpty(c.Before)), fmt.Sprint(orEmpty(c.After))) {
			fmt.Fprintf(b, "          %s\n", v.paint(l.action, l.action.Symbol()+" "+l.text))
		}
		return
	}
	reason := ""
	if c.Reason != "" {
		reason = " (" + c.Reason + ")"
	}
	switch c.Action {
	case Create:
		fmt.Fprintf(b, "      %s %s: %s%s\n", sym, c.Field, after, reason)
	case Delete:
		fmt.Fprintf(b, "      %s %s: %s%s\n", sym, c.Field, before, reason)
	case Update, NoOp:
		fmt.Fprintf(b, "      %s %s: %s -> %s%s\n", sym, c.Field, before, after, reason)
	case Replace:
	}
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

type diffLine struct {
	action Action
	text   string
}

// lineDiff diffs two multi-line values line by line.
func lineDiff(a, b string) []diffLine {
	if a != "" && !strings.HasSuffix(a, "\n") {
		a += "\n"
	}
	if b != "" && !strings.HasSuffix(b, "\n") {
		b += "\n"
	}
	dmp := diffmatchpatch.New()
	ra, rb, lines := dmp.DiffLinesToRunes(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines)
	var out []diffLine
	for _, d := range diffs {
		act := NoOp
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			act = Create
		case diffmatchpatch.DiffDelete:
			act = Delete
		case diffmatchpatch.DiffEqual:
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l == "" {
				continue
			}
			out = append(out, diffLine{act, strings.TrimSuffix(l, "\n")})
		}
	}
	return out
}

// display renders a value for text and Markdown: strings quoted, digests
// shortened, maps as sorted JSON, secrets as (sensitive).
func display(field string, v any, sensitive bool) string {
	if sensitive {
		return Sensitive
	}
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		if field == "code.digest" && len(x) > 16 {
			return x[:16] + "…"
		}
		if strings.Contains(x, "\n") {
			return x
		}
		return fmt.Sprintf("%q", x)
	case int, int64:
		return fmt.Sprint(x)
	}
	bs, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(bs)
}

// Markdown writes the plan for a pull-request comment: the summary first,
// then one collapsible section per changed function.
func (v View) Markdown(w io.Writer, p *Plan) error {
	var b strings.Builder
	b.WriteString("### fgsdeploy plan\n\n")
	if line := summaryLine(p); p.HasChanges() || !strings.HasPrefix(line, "No changes.") {
		b.WriteString("**" + line + "**\n")
	} else {
		b.WriteString("**No changes.**" + strings.TrimPrefix(line, "No changes.") + "\n")
	}
	for _, fe := range p.Failures {
		fmt.Fprintf(&b, "\n:x: `%s` could not be planned: %s\n", fe.Title(), mdText(strings.TrimPrefix(fe.Error(), fe.Name+": ")))
	}
	dependencyMarkdown(&b, p)
	for _, f := range p.Functions {
		if f.Action == NoOp {
			continue
		}
		var steps []string
		for _, t := range Types(f.Steps) {
			steps = append(steps, t.Title())
		}
		fmt.Fprintf(&b, "\n<details><summary><code>%s %s</code> (%s: %s)</summary>\n\n", f.Action.Symbol(), f.Title(), f.Action, strings.Join(steps, ", "))
		b.WriteString("| step | field | before | after |\n|---|---|---|---|\n")
		for _, st := range f.Steps {
			for _, c := range st.Changes {
				before, after := "", display(c.Field, c.After, c.Sensitive)
				if c.Action != Create {
					before = display(c.Field, c.Before, c.Sensitive)
				}
				if c.Action == Delete {
					after = ""
				}
				field := "`" + c.Field + "`"
				if c.Reason != "" {
					field += " (" + mdText(c.Reason) + ")"
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", st.Type(), field, mdCell(before), mdCell(after))
			}
		}
		for _, n := range f.Notes {
			fmt.Fprintf(&b, "\nNote: %s\n", mdText(n))
		}
		b.WriteString("\n</details>\n")
	}
	var unchanged []string
	noted := 0
	for _, f := range p.Functions {
		if f.Action == NoOp && len(f.Notes) > 0 {
			noted++
			for _, n := range f.Notes {
				unchanged = append(unchanged, fmt.Sprintf("- `%s`: %s\n", f.Title(), mdText(n)))
			}
		}
	}
	if noted > 0 {
		fmt.Fprintf(&b, "\n<details><summary>Unchanged functions (%d)</summary>\n\n%s\n</details>\n", noted, strings.Join(unchanged, ""))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdText escapes text for a Markdown paragraph.
func mdText(s string) string {
	return strings.NewReplacer("\n", " ", "<", "&lt;", ">", "&gt;", "|", "\\|", "*", "\\*", "_", "\\_").Replace(s)
}

func mdCell(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\n", "<br>")
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}
