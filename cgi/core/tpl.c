/*
 * tpl: parse mustache-like templates once into flat node arrays, check
 * them against the HTML context each tag sits in, and render json-c
 * views with one escaper per context.  templates/README.md is the manual.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "tpl.h"

#define MAX_SEGS	16	/* parts in a dotted name */
#define MAX_DIRS	16	/* directory levels under the templates directory */
#define MAX_STACK	64	/* contexts open at once while rendering */

enum node_kind { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL };

/* Output escapers; ESC_NONE is plain {{x}} in a text (*.txt) template. */
enum esc { ESC_HTML, ESC_URL, ESC_JS, ESC_HREF, ESC_RAW, ESC_NONE };

enum name_kind { NM_PATH, NM_DOT, NM_INDEX, NM_FIRST, NM_LAST };

/*
 * One node: 16 bytes.  A section's body is nodes [i + 1, b), so
 * rendering is a walk over index ranges with no pointers to chase.
 */
struct node {
	uint8_t		 kind;	/* enum node_kind */
	uint8_t		 esc;	/* enum esc, for N_VAR */
	uint8_t		 name;	/* enum name_kind */
	uint8_t		 nseg;	/* NM_PATH: parts; N_PARTIAL: sections open around it */
	uint32_t	 a;	/* TEXT: offset in src; VAR, sections: first segs[]; PARTIAL: template */
	uint32_t	 b;	/* TEXT: length; sections: index after the body */
	uint32_t	 pos;	/* offset of the tag in src, for messages */
};

struct tpl {
	char		*name;	/* "account/login.html" */
	char		*where;	/* how messages name it: the file path, or name */
	char		*src;	/* the whole text, NUL-terminated */
	size_t		 srclen;
	struct node	*nodes;
	uint32_t	 nnodes, capnodes;
	uint32_t	*segs;	/* offsets of NUL-terminated name parts in pool */
	uint32_t	 nsegs, capsegs;
	struct buf	 pool;
	int		 text;	/* a *.txt template: no HTML, no escaping */
	int		 included;	/* some template includes this one */
	size_t		 toplevel_at;	/* an @name outside any section, +1; 0: none */
	int		 mark;	/* link: 0 new, 1 on the path, 2 done */
	int		 depth;	/* link: partial levels below this one */
	int		 stack;	/* link: contexts this template may push */
};

struct tpl_set {
	struct tpl	*t;	/* sorted by name */
	size_t		 n;
};

/* ------------------------------------------------------------------ */
/* Messages */

static void
linecol(const char *s, size_t pos, unsigned *line, unsigned *col)
{
	size_t i, start = 0;

	*line = 1;
	for (i = 0; i < pos; i++)
		if (s[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	*col = (unsigned)(pos - start + 1);
}

static void locerr(struct buf *, const struct tpl *, size_t, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/* Append "where:line:col: message" to e. */
static void
locerr(struct buf *e, const struct tpl *t, size_t pos, const char *fmt, ...)
{
	unsigned line, col;
	va_list ap;

	linecol(t->src, pos, &line, &col);
	buf_addf(e, "%s:%u:%u: ", t->where, line, col);
	va_start(ap, fmt);
	buf_vaddf(e, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Parsing */

/* Where the HTML tokenizer stands in the literal text of a template. */
enum hstate {
	H_TEXT,		/* between tags */
	H_TAGNAME,	/* <na */
	H_TAG,		/* <a  (before an attribute name) */
	H_ATTR,		/* <a hr */
	H_AFTERATTR,	/* <a href  */
	H_BEFOREVAL,	/* <a href= */
	H_VAL_DQ,	/* <a href=" */
	H_VAL_SQ,	/* <a href=' */
	H_VAL_UNQ,	/* <a href=x */
	H_COMMENT,	/* <!-- */
	H_DECL,		/* <!DOCTYPE, <? */
	H_RAW,		/* inside <script> or <style> */
};

/* What an attribute's value is, for the rules in check_ctx(). */
enum akind { A_PLAIN, A_URL, A_SCRIPT, A_STYLE, A_HTML };

enum tag_kind { TK_VAR, TK_SECTION, TK_INVERTED, TK_CLOSE, TK_PARTIAL, TK_COMMENT };

struct tag {
	int		 kind;	/* enum tag_kind */
	int		 esc;	/* enum esc */
	int		 name;	/* enum name_kind */
	size_t		 nm, nmlen;	/* the name as written */
	size_t		 end;	/* just past the closing braces */
};

struct parser {
	struct tpl	*t;
	const char	*s;
	size_t		 n;
	struct buf	*err;
	struct {
		uint32_t node;
		size_t	 pos, nm, nmlen;
	}		 open[TPL_MAX_NEST];
	int		 nopen;
	int		 maxopen;

	/* HTML context: a small tokenizer over the literal text only. */
	int		 hs;		/* enum hstate */
	char		 tagname[12];
	size_t		 taglen;
	int		 endtag;
	char		 attr[16];
	size_t		 attrlen;
	int		 akind;		/* enum akind of the current value */
	const char	*raw;		/* "script" or "style" in H_RAW */
	/*
	 * In a URL attribute, vfix[d] says literal text holding one of
	 * ":/?#" has been seen at section depth d, so the scheme is fixed
	 * by the template and a plain {{x}} cannot make "javascript:".
	 * Text inside a section that may not render does not count.
	 */
	int		 vdepth;
	unsigned char	 vfix[TPL_MAX_NEST + 1];
};

static int perr(struct parser *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	unsigned line, col;
	va_list ap;

	linecol(p->s, pos, &line, &col);
	buf_addf(p->err, "%s:%u:%u: ", p->t->where, line, col);
	va_start(ap, fmt);
	buf_vaddf(p->err, fmt, ap);
	va_end(ap);
	return -1;
}

static int
is_html_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
is_namech(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void
tag_begin(struct parser *p, int endtag)
{
	p->hs = H_TAGNAME;
	p->taglen = 0;
	p->endtag = endtag;
}

static void
tag_addch(struct parser *p, int c)
{
	if (p->taglen < sizeof(p->tagname) - 1)
		p->tagname[p->taglen] = (char)tolower(c);
	p->taglen++;
}

static int
tag_is(const struct parser *p, const char *name)
{
	return p->taglen == strlen(name) &&
	    memcmp(p->tagname, name, p->taglen) == 0;
}

static void
tag_end(struct parser *p)
{
	p->hs = H_TEXT;
	if (p->endtag)
		return;
	if (tag_is(p, "script")) {
		p->hs = H_RAW;
		p->raw = "script";
	} else if (tag_is(p, "style")) {
		p->hs = H_RAW;
		p->raw = "style";
	}
}

static void
attr_begin(struct parser *p, int c)
{
	p->hs = H_ATTR;
	p->attrlen = 0;
	if (p->attrlen < sizeof(p->attr) - 1)
		p->attr[p->attrlen] = (char)tolower(c);
	p->attrlen++;
}

static void
attr_addch(struct parser *p, int c)
{
	if (p->attrlen < sizeof(p->attr) - 1)
		p->attr[p->attrlen] = (char)tolower(c);
	p->attrlen++;
}

static int
attr_kind(const struct parser *p)
{
	/* Attributes whose value the browser loads or navigates to. */
	static const char *const urls[] = {
		"href", "src", "action", "formaction", "poster", "cite",
		"background", "data", "codebase", "xlink:href", "srcset",
		"manifest", "ping", "longdesc", "usemap", "icon", "lowsrc",
		"dynsrc", "archive", "classid", "profile",
	};
	size_t i, len = p->attrlen;

	if (len >= 2 && p->attr[0] == 'o' && p->attr[1] == 'n' &&
	    !(len == 4 && memcmp(p->attr, "open", 4) == 0))
		return A_SCRIPT;
	if (len >= sizeof(p->attr))
		return A_PLAIN;
	if (len == 5 && memcmp(p->attr, "style", 5) == 0)
		return A_STYLE;
	if (len == 6 && memcmp(p->attr, "srcdoc", 6) == 0)
		return A_HTML;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		if (strlen(urls[i]) == len && memcmp(p->attr, urls[i], len) == 0)
			return A_URL;
	return A_PLAIN;
}

static void
value_begin(struct parser *p, int state)
{
	p->hs = state;
	p->akind = attr_kind(p);
	p->vdepth = p->nopen;
	p->vfix[p->nopen] = 0;
}

static void
value_char(struct parser *p, int c)
{
	if (c == ':' || c == '/' || c == '?' || c == '#')
		p->vfix[p->nopen] = 1;
}

/*
 * Advance the HTML tokenizer over literal text s[from, to).  It follows
 * the HTML5 tokenizer closely enough to know, at each mustache tag,
 * whether it is in text, inside a tag, in which attribute value, or in
 * a script or style element.  Looking ahead past `to` is safe: src is
 * NUL-terminated, and what follows is the mustache tag itself.
 */
static void
feed(struct parser *p, size_t from, size_t to)
{
	const char *s = p->s;
	size_t k, rl;
	int c;

	for (k = from; k < to; k++) {
		c = (unsigned char)s[k];
		switch (p->hs) {
		case H_TEXT:
			if (c != '<')
				break;
			if (k + 1 == to)	/* "<{{x}}" could make a tag */
				tag_begin(p, 0);
			else if (is_alpha(s[k + 1]))
				tag_begin(p, 0);
			else if (s[k + 1] == '/' &&
			    (k + 2 == to || is_alpha(s[k + 2]))) {
				tag_begin(p, 1);
				k++;
			} else if (s[k + 1] == '!' && s[k + 2] == '-' &&
			    s[k + 3] == '-') {
				k += 3;
				p->hs = H_COMMENT;
				/* "<!-->" and "<!--->" are whole comments */
				if (s[k + 1] == '>') {
					k += 1;
					p->hs = H_TEXT;
				} else if (s[k + 1] == '-' && s[k + 2] == '>') {
					k += 2;
					p->hs = H_TEXT;
				}
			} else if (s[k + 1] == '!' || s[k + 1] == '?')
				p->hs = H_DECL;
			break;
		case H_TAGNAME:
			if (is_html_space(c) || c == '/')
				p->hs = H_TAG;
			else if (c == '>')
				tag_end(p);
			else
				tag_addch(p, c);
			break;
		case H_TAG:
			if (c == '>')
				tag_end(p);
			else if (!is_html_space(c) && c != '/')
				attr_begin(p, c);
			break;
		case H_ATTR:
			if (is_html_space(c))
				p->hs = H_AFTERATTR;
			else if (c == '/')
				p->hs = H_TAG;
			else if (c == '=')
				p->hs = H_BEFOREVAL;
			else if (c == '>')
				tag_end(p);
			else
				attr_addch(p, c);
			break;
		case H_AFTERATTR:
			if (c == '/')
				p->hs = H_TAG;
			else if (c == '=')
				p->hs = H_BEFOREVAL;
			else if (c == '>')
				tag_end(p);
			else if (!is_html_space(c))
				attr_begin(p, c);
			break;
		case H_BEFOREVAL:
			if (c == '"')
				value_begin(p, H_VAL_DQ);
			else if (c == '\'')
				value_begin(p, H_VAL_SQ);
			else if (c == '>')
				tag_end(p);
			else if (!is_html_space(c)) {
				value_begin(p, H_VAL_UNQ);
				value_char(p, c);
			}
			break;
		case H_VAL_DQ:
			if (c == '"')
				p->hs = H_TAG;
			else
				value_char(p, c);
			break;
		case H_VAL_SQ:
			if (c == '\'')
				p->hs = H_TAG;
			else
				value_char(p, c);
			break;
		case H_VAL_UNQ:
			if (is_html_space(c))
				p->hs = H_TAG;
			else if (c == '>')
				tag_end(p);
			else
				value_char(p, c);
			break;
		case H_COMMENT:
			if (c == '-' && s[k + 1] == '-' && s[k + 2] == '>') {
				k += 2;
				p->hs = H_TEXT;
			} else if (c == '-' && s[k + 1] == '-' &&
			    s[k + 2] == '!' && s[k + 3] == '>') {
				k += 3;
				p->hs = H_TEXT;
			}
			break;
		case H_DECL:
			if (c == '>')
				p->hs = H_TEXT;
			break;
		case H_RAW:
			rl = strlen(p->raw);
			if (c == '<' && s[k + 1] == '/' &&
			    strncasecmp(s + k + 2, p->raw, rl) == 0 &&
			    k + 2 + rl <= p->n &&
			    (is_html_space(s[k + 2 + rl]) ||
			    s[k + 2 + rl] == '/' || s[k + 2 + rl] == '>')) {
				tag_begin(p, 1);
				memcpy(p->tagname, p->raw, rl);
				p->taglen = rl;
				k += 1 + rl;
			}
			break;
		}
	}
}

static const char *
tag_word(const struct tag *tg)
{
	switch (tg->kind) {
	case TK_SECTION:	return "a section";
	case TK_INVERTED:	return "an inverted section";
	case TK_CLOSE:		return "a section end";
	case TK_PARTIAL:	return "a partial";
	default:		return "a value";
	}
}

/*
 * Refuse a tag whose output the browser would not read as the escaper
 * meant; templates/README.md lists the rules with their reasons.
 */
static int
check_ctx(struct parser *p, size_t pos, const struct tag *tg)
{
	int var = tg->kind == TK_VAR, esc = tg->esc;

	if (tg->kind == TK_COMMENT)
		return 0;
	if (p->t->text) {
		if (var && esc == ESC_JS)
			return perr(p, pos, "{{js:...}} has no place in a text template");
		return 0;
	}
	if (var && esc == ESC_RAW &&
	    p->hs != H_BEFOREVAL && p->hs != H_VAL_UNQ)
		return 0;	/* the one unescaped form, greppable */

	switch (p->hs) {
	case H_BEFOREVAL:
	case H_VAL_UNQ:
		return perr(p, pos, "%s in an unquoted attribute value: "
		    "quote the attribute", tag_word(tg));
	case H_TAGNAME:
	case H_TAG:
	case H_ATTR:
	case H_AFTERATTR:
		if (var)
			return perr(p, pos, "a value inside a tag must be in a "
			    "quoted attribute value");
		if (tg->kind == TK_PARTIAL)
			return perr(p, pos, "a partial inside a tag");
		return 0;
	case H_VAL_DQ:
	case H_VAL_SQ:
		if (tg->kind == TK_PARTIAL)
			return perr(p, pos, "a partial inside an attribute value");
		if (!var)
			return 0;
		if (esc == ESC_JS)
			return perr(p, pos, "{{js:...}} belongs in a script "
			    "element, not an attribute");
		switch (p->akind) {
		case A_SCRIPT:
			return perr(p, pos, "no values in event handler "
			    "attributes: pass data in a data-* attribute or a "
			    "JSON script block");
		case A_STYLE:
			return perr(p, pos, "no values in a style attribute");
		case A_HTML:
			return perr(p, pos, "no values in a srcdoc attribute");
		case A_URL:
			if (esc == ESC_HTML && !p->vfix[p->nopen])
				return perr(p, pos, "a URL attribute must start "
				    "with literal text holding one of \":/?#\", "
				    "or use {{href:...}} or {{url:...}}");
			return 0;
		default:
			return 0;
		}
	case H_RAW:
		if (tg->kind == TK_PARTIAL)
			return perr(p, pos, "a partial inside a %s element",
			    p->raw);
		if (!var || esc == ESC_URL)
			return 0;
		if (strcmp(p->raw, "script") == 0) {
			if (esc == ESC_JS)
				return 0;
			return perr(p, pos, "in a script element use "
			    "{{js:...}} (or {{url:...}})");
		}
		return perr(p, pos, "no values in a style element "
		    "except {{url:...}}");
	case H_COMMENT:
	case H_DECL:
	case H_TEXT:
	default:
		if (tg->kind == TK_PARTIAL && p->hs != H_TEXT)
			return perr(p, pos, "a partial inside an HTML comment "
			    "or declaration");
		if (var && esc == ESC_JS)
			return perr(p, pos, "{{js:...}} belongs in a script "
			    "element");
		return 0;
	}
}

static void
add_node(struct tpl *t, int kind, int esc, int name, int nseg,
    uint32_t a, uint32_t b, size_t pos)
{
	struct node *nd;

	if (t->nnodes == t->capnodes) {
		t->capnodes = t->capnodes ? t->capnodes * 2 : 32;
		t->nodes = xrealloc(t->nodes, t->capnodes * sizeof(*t->nodes));
	}
	nd = &t->nodes[t->nnodes++];
	nd->kind = (uint8_t)kind;
	nd->esc = (uint8_t)esc;
	nd->name = (uint8_t)name;
	nd->nseg = (uint8_t)nseg;
	nd->a = a;
	nd->b = b;
	nd->pos = (uint32_t)pos;
}

static uint32_t
add_seg(struct tpl *t, const char *s, size_t n)
{
	if (t->nsegs == t->capsegs) {
		t->capsegs = t->capsegs ? t->capsegs * 2 : 32;
		t->segs = xrealloc(t->segs, t->capsegs * sizeof(*t->segs));
	}
	t->segs[t->nsegs] = (uint32_t)t->pool.len;
	buf_add(&t->pool, s, n);
	buf_addch(&t->pool, '\0');
	return t->nsegs++;
}

static void
skip_blank(const char *s, size_t *j)
{
	while (s[*j] == ' ' || s[*j] == '\t')
		(*j)++;
}

/* A name: ".", "@index", "@first", "@last", or parts "a.b.c". */
static int
lex_name(struct parser *p, size_t *jp, struct tag *tg)
{
	const char *s = p->s;
	size_t j = *jp, k;
	int nseg = 0;

	tg->nm = j;
	if (s[j] == '.' && !is_namech(s[j + 1])) {
		tg->name = NM_DOT;
		*jp = j + 1;
		tg->nmlen = 1;
		return 0;
	}
	if (s[j] == '@') {
		for (k = j + 1; is_namech(s[k]); k++)
			;
		if (k - j == 6 && memcmp(s + j, "@index", 6) == 0)
			tg->name = NM_INDEX;
		else if (k - j == 6 && memcmp(s + j, "@first", 6) == 0)
			tg->name = NM_FIRST;
		else if (k - j == 5 && memcmp(s + j, "@last", 5) == 0)
			tg->name = NM_LAST;
		else
			return perr(p, j, "unknown name '%.*s': only @index, "
			    "@first and @last", (int)(k - j), s + j);
		/* Fine in a partial included inside a list: see link_set(). */
		if (p->nopen == 0 && p->t->toplevel_at == 0)
			p->t->toplevel_at = j + 1;
		tg->nmlen = k - j;
		*jp = k;
		return 0;
	}
	for (;;) {
		if (!is_namech(s[j])) {
			if (s[j] == '}' || s[j] == ' ' || s[j] == '\0')
				return perr(p, j, "empty name");
			return perr(p, j, "unexpected '%c' in a name", s[j]);
		}
		while (is_namech(s[j]))
			j++;
		if (++nseg > MAX_SEGS)
			return perr(p, tg->nm, "name has more than %d parts",
			    MAX_SEGS);
		if (s[j] != '.')
			break;
		j++;
	}
	tg->name = NM_PATH;
	tg->nmlen = j - tg->nm;
	*jp = j;
	return 0;
}

/* A partial's name: a relative path, no "..", "." or empty parts. */
static int
valid_tpl_name(const char *s, size_t n)
{
	size_t i, start = 0;

	if (n == 0)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '/') {
			if (!is_namech(s[i]) && s[i] != '.')
				return 0;
			continue;
		}
		if (i == start || (i - start == 1 && s[start] == '.') ||
		    (i - start == 2 && s[start] == '.' && s[start + 1] == '.'))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* Lex the tag at s[pos] == "{{" into tg. */
static int
lex_tag(struct parser *p, size_t pos, struct tag *tg)
{
	static const struct {
		const char *word;
		int esc;
	} mods[] = {
		{ "url", ESC_URL }, { "js", ESC_JS }, { "href", ESC_HREF },
	};
	const char *s = p->s, *e;
	size_t j = pos + 2, k, i;
	int c;

	memset(tg, 0, sizeof(*tg));
	tg->esc = p->t->text ? ESC_NONE : ESC_HTML;
	if (s[j] == '!') {
		e = strstr(s + j, "}}");
		if (e == NULL)
			return perr(p, pos, "unclosed comment");
		tg->kind = TK_COMMENT;
		tg->end = (size_t)(e - s) + 2;
		return 0;
	}
	if (s[j] == '{') {
		j++;
		skip_blank(s, &j);
		if (strncmp(s + j, "raw:", 4) != 0)
			return perr(p, pos, "triple braces are only for "
			    "{{{raw:name}}}");
		j += 4;
		if (lex_name(p, &j, tg) < 0)
			return -1;
		skip_blank(s, &j);
		if (strncmp(s + j, "}}}", 3) != 0)
			return perr(p, j, "expected '}}}'");
		tg->kind = TK_VAR;
		tg->esc = ESC_RAW;
		tg->end = j + 3;
		return 0;
	}
	skip_blank(s, &j);
	c = s[j];
	switch (c) {
	case '#': tg->kind = TK_SECTION; j++; break;
	case '^': tg->kind = TK_INVERTED; j++; break;
	case '/': tg->kind = TK_CLOSE; j++; break;
	case '>': tg->kind = TK_PARTIAL; j++; break;
	case '&':
		return perr(p, pos, "unescaped output is spelled "
		    "{{{raw:name}}}");
	case '=':
		return perr(p, pos, "changing delimiters is not supported");
	default: tg->kind = TK_VAR; break;
	}
	skip_blank(s, &j);
	if (tg->kind == TK_PARTIAL) {
		tg->nm = j;
		while (is_namech(s[j]) || s[j] == '.' || s[j] == '/')
			j++;
		tg->nmlen = j - tg->nm;
		if (!valid_tpl_name(s + tg->nm, tg->nmlen))
			return perr(p, tg->nm, "bad partial name '%.*s'",
			    (int)tg->nmlen, s + tg->nm);
	} else {
		/* A modifier is a word followed by ':'. */
		for (k = j; is_namech(s[k]); k++)
			;
		if (s[k] == ':') {
			if (tg->kind != TK_VAR)
				return perr(p, j, "a modifier on %s",
				    tag_word(tg));
			for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
				if (strlen(mods[i].word) == k - j &&
				    memcmp(mods[i].word, s + j, k - j) == 0)
					break;
			if (k - j == 3 && memcmp(s + j, "raw", 3) == 0)
				return perr(p, j, "raw output is spelled "
				    "{{{raw:name}}}");
			if (i == sizeof(mods) / sizeof(mods[0]))
				return perr(p, j, "unknown modifier '%.*s'",
				    (int)(k - j), s + j);
			tg->esc = mods[i].esc;
			j = k + 1;
		}
		if (lex_name(p, &j, tg) < 0)
			return -1;
	}
	skip_blank(s, &j);
	if (s[j] != '}' || s[j + 1] != '}')
		return perr(p, j, "expected '}}'");
	tg->end = j + 2;
	return 0;
}

/*
 * Is the tag from pos to end alone on its line?  Then the line goes:
 * *lstart is where its text ends, *next where the text after resumes.
 */
static int
standalone(const struct parser *p, size_t from, size_t pos, size_t end,
    size_t *lstart, size_t *next)
{
	const char *s = p->s;
	size_t ls = pos, j = end;

	while (ls > from && (s[ls - 1] == ' ' || s[ls - 1] == '\t'))
		ls--;
	if (ls > 0 && s[ls - 1] != '\n')
		return 0;
	if (ls < from)
		return 0;
	skip_blank(s, &j);
	if (s[j] == '\r' && s[j + 1] == '\n')
		j += 2;
	else if (s[j] == '\n')
		j++;
	else if (j != p->n)
		return 0;
	*lstart = ls;
	*next = j;
	return 1;
}

static void
add_var(struct parser *p, const struct tag *tg, size_t pos)
{
	struct tpl *t = p->t;
	const char *s = p->s;
	uint32_t first = t->nsegs;
	size_t i, start;
	int nseg = 0;

	if (tg->name == NM_PATH) {
		start = tg->nm;
		for (i = tg->nm; i <= tg->nm + tg->nmlen; i++)
			if (i == tg->nm + tg->nmlen || s[i] == '.') {
				add_seg(t, s + start, i - start);
				nseg++;
				start = i + 1;
			}
	}
	add_node(t, tg->kind == TK_VAR ? N_VAR : tg->kind == TK_SECTION ?
	    N_SECTION : N_INVERTED, tg->esc, tg->name, nseg, first, 0, pos);
}

static int
parse_tag(struct parser *p, size_t pos, const struct tag *tg)
{
	struct tpl *t = p->t;
	const char *s = p->s;
	int o;

	switch (tg->kind) {
	case TK_COMMENT:
		return 0;
	case TK_VAR:
		add_var(p, tg, pos);
		return 0;
	case TK_SECTION:
	case TK_INVERTED:
		if (p->nopen == TPL_MAX_NEST)
			return perr(p, pos, "sections nest deeper than %d",
			    TPL_MAX_NEST);
		o = p->nopen++;
		p->open[o].node = t->nnodes;
		p->open[o].pos = pos;
		p->open[o].nm = tg->nm;
		p->open[o].nmlen = tg->nmlen;
		if (p->nopen > p->maxopen)
			p->maxopen = p->nopen;
		p->vfix[p->nopen] = p->vfix[o];
		add_var(p, tg, pos);
		return 0;
	case TK_CLOSE:
		if (p->nopen == 0)
			return perr(p, pos, "{{/%.*s}} closes nothing",
			    (int)tg->nmlen, s + tg->nm);
		o = p->nopen - 1;
		if (tg->nmlen != p->open[o].nmlen ||
		    memcmp(s + tg->nm, s + p->open[o].nm, tg->nmlen) != 0) {
			unsigned line, col;

			linecol(s, p->open[o].pos, &line, &col);
			return perr(p, pos, "{{/%.*s}} does not match "
			    "{{#%.*s}} opened at %u:%u", (int)tg->nmlen,
			    s + tg->nm, (int)p->open[o].nmlen,
			    s + p->open[o].nm, line, col);
		}
		t->nodes[p->open[o].node].b = t->nnodes;
		p->nopen = o;
		if (p->nopen < p->vdepth) {
			p->vdepth = p->nopen;
			p->vfix[p->nopen] = 0;
		}
		return 0;
	case TK_PARTIAL:
		add_node(t, N_PARTIAL, 0, 0, p->nopen, (uint32_t)t->pool.len,
		    0, pos);
		buf_add(&t->pool, s + tg->nm, tg->nmlen);
		buf_addch(&t->pool, '\0');
		return 0;
	}
	return 0;
}

static const char *
hstate_word(int hs)
{
	switch (hs) {
	case H_COMMENT:	return "an HTML comment";
	case H_DECL:	return "a declaration";
	case H_RAW:	return "a script or style element";
	default:	return "a tag";
	}
}

/* Parse t->src into t->nodes; on error append the message to err. */
static int
parse(struct tpl *t, struct buf *err)
{
	struct parser p;
	struct tag tg;
	const char *s = t->src, *z;
	size_t i = 0, pos, ls, next;

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.s = s;
	p.n = t->srclen;
	p.err = err;
	p.hs = H_TEXT;

	if ((z = memchr(s, '\0', t->srclen)) != NULL)
		return perr(&p, (size_t)(z - s), "NUL byte in template");
	while (i < p.n) {
		z = strstr(s + i, "{{");
		if (z == NULL) {
			if (!t->text)
				feed(&p, i, p.n);
			add_node(t, N_TEXT, 0, 0, 0, (uint32_t)i,
			    (uint32_t)(p.n - i), i);
			break;
		}
		pos = (size_t)(z - s);
		if (!t->text)
			feed(&p, i, pos);
		if (lex_tag(&p, pos, &tg) < 0 || check_ctx(&p, pos, &tg) < 0)
			return -1;
		ls = pos;
		next = tg.end;
		if (tg.kind != TK_VAR)
			standalone(&p, i, pos, tg.end, &ls, &next);
		if (ls > i)
			add_node(t, N_TEXT, 0, 0, 0, (uint32_t)i,
			    (uint32_t)(ls - i), i);
		if (parse_tag(&p, pos, &tg) < 0)
			return -1;
		if (!t->text)
			feed(&p, tg.end, next);
		i = next;
	}
	if (p.nopen > 0)
		return perr(&p, p.open[p.nopen - 1].pos, "unclosed section "
		    "'%.*s'", (int)p.open[p.nopen - 1].nmlen,
		    s + p.open[p.nopen - 1].nm);
	if (!t->text && p.hs != H_TEXT)
		return perr(&p, p.n, "template ends inside %s",
		    hstate_word(p.hs));
	t->stack = p.maxopen;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sets */

static void
tpl_clear(struct tpl *t)
{
	free(t->name);
	free(t->where);
	free(t->src);
	free(t->nodes);
	free(t->segs);
	buf_release(&t->pool);
}

void
tpl_free(struct tpl_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		tpl_clear(&set->t[i]);
	free(set->t);
	free(set);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Add a template taking ownership of src (srclen bytes + NUL) and parse it. */
static int
set_add(struct tpl_set *set, size_t *cap, const char *name,
    const char *where, char *src, size_t srclen, struct buf *err)
{
	struct tpl *t;

	if (set->n == TPL_MAX_FILES) {
		free(src);
		buf_addf(err, "%s: more than %d templates", where,
		    TPL_MAX_FILES);
		return -1;
	}
	if (set->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		set->t = xrealloc(set->t, *cap * sizeof(*set->t));
	}
	t = &set->t[set->n++];
	memset(t, 0, sizeof(*t));
	buf_init(&t->pool, 0);
	t->name = xstrdup(name);
	t->where = xstrdup(where);
	t->src = src;
	t->srclen = srclen;
	t->text = ends_with(name, ".txt");
	if (!valid_tpl_name(name, strlen(name))) {
		buf_addf(err, "%s: bad template name", where);
		return -1;
	}
	if (srclen > TPL_MAX_FILE) {
		buf_addf(err, "%s: larger than %d bytes", where, TPL_MAX_FILE);
		return -1;
	}
	return parse(t, err);
}

static int
cmp_tpl(const void *a, const void *b)
{
	return strcmp(((const struct tpl *)a)->name,
	    ((const struct tpl *)b)->name);
}

static int
cmp_key(const void *key, const void *b)
{
	return strcmp(key, ((const struct tpl *)b)->name);
}

static struct tpl *
find(const struct tpl_set *set, const char *name)
{
	if (set->n == 0)
		return NULL;
	return bsearch(name, set->t, set->n, sizeof(*set->t), cmp_key);
}

/*
 * Depth-first walk of the partials under t: refuse cycles, chains of
 * more than TPL_MAX_PARTIAL, and paths that could open more than
 * MAX_STACK contexts, so that rendering never needs to check.
 */
static int
link_walk(struct tpl_set *set, struct tpl *t, int level, struct buf *err)
{
	struct tpl *c;
	uint32_t i;
	int depth = 0, stack = t->stack;

	if (t->mark == 2)
		return 0;
	t->mark = 1;
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != N_PARTIAL)
			continue;
		c = &set->t[t->nodes[i].a];
		if (c->mark == 1) {
			locerr(err, t, t->nodes[i].pos, "partial '%s' includes "
			    "itself", c->name);
			return -1;
		}
		if (level + 1 > TPL_MAX_PARTIAL) {
			locerr(err, t, t->nodes[i].pos, "partials nest deeper "
			    "than %d", TPL_MAX_PARTIAL);
			return -1;
		}
		if (link_walk(set, c, level + 1, err) < 0)
			return -1;
		if (c->depth + 1 > depth)
			depth = c->depth + 1;
		if (t->nodes[i].nseg + c->stack > stack)
			stack = t->nodes[i].nseg + c->stack;
	}
	if (level + depth > TPL_MAX_PARTIAL) {
		locerr(err, t, 0, "partials nest deeper than %d",
		    TPL_MAX_PARTIAL);
		return -1;
	}
	if (stack >= MAX_STACK) {
		locerr(err, t, 0, "sections nest deeper than %d counting "
		    "partials", MAX_STACK - 1);
		return -1;
	}
	t->depth = depth;
	t->stack = stack;
	t->mark = 2;
	return 0;
}

/* Sort, resolve partial names to indexes, check the partial graph. */
static int
link_set(struct tpl_set *set, struct buf *err)
{
	struct tpl *t, *c;
	size_t i;
	uint32_t k;

	if (set->n > 0)
		qsort(set->t, set->n, sizeof(*set->t), cmp_tpl);
	for (i = 0; i + 1 < set->n; i++)
		if (strcmp(set->t[i].name, set->t[i + 1].name) == 0) {
			buf_addf(err, "%s: duplicate template name",
			    set->t[i + 1].where);
			return -1;
		}
	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		for (k = 0; k < t->nnodes; k++) {
			struct node *nd = &t->nodes[k];
			const char *pname;

			if (nd->kind != N_PARTIAL)
				continue;
			pname = t->pool.ptr + nd->a;
			if ((c = find(set, pname)) == NULL) {
				locerr(err, t, nd->pos, "no template '%s' "
				    "for this partial", pname);
				return -1;
			}
			if (c->text != t->text) {
				locerr(err, t, nd->pos, "partial '%s': %s "
				    "template can only include %s templates",
				    pname, t->text ? "a text" : "an HTML",
				    t->text ? "text" : "HTML");
				return -1;
			}
			nd->a = (uint32_t)(c - set->t);
			c->included = 1;
		}
	}
	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		if (t->toplevel_at && !t->included) {
			const char *at = t->src + t->toplevel_at - 1;

			locerr(err, t, t->toplevel_at - 1, "'%.*s' outside any "
			    "section", (int)strspn(at + 1, "abcdefghijklmnopqrstuvwxyz") + 1,
			    at);
			return -1;
		}
	}
	for (i = 0; i < set->n; i++)
		if (link_walk(set, &set->t[i], 0, err) < 0)
			return -1;
	return 0;
}

/* Report err and free set; NULL for the caller to return. */
static struct tpl_set *
load_fail(struct tpl_set *set, struct buf *e, struct buf *err,
    const char *func)
{
	if (err != NULL)
		buf_add(err, e->ptr, e->len);
	else
		log_msg(LOGL_ERR, func, "%s", e->ptr);
	buf_release(e);
	tpl_free(set);
	return NULL;
}

struct tpl_set *
tpl_load_mem(const struct tpl_src *srcs, size_t n, struct buf *err)
{
	struct tpl_set *set = xcalloc(1, sizeof(*set));
	struct buf e = BUF_INIT;
	size_t i, cap = 0, len;

	for (i = 0; i < n; i++) {
		len = strlen(srcs[i].text);
		if (set_add(set, &cap, srcs[i].name, srcs[i].name,
		    xstrndup(srcs[i].text, len), len, &e) < 0)
			return load_fail(set, &e, err, __func__);
	}
	if (link_set(set, &e) < 0)
		return load_fail(set, &e, err, __func__);
	buf_release(&e);
	return set;
}

/* Read a whole regular file of at most TPL_MAX_FILE bytes. */
static char *
read_file(const char *path, size_t *lenp, struct buf *e)
{
	struct stat st;
	char *p = NULL;
	size_t len = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		buf_addf(e, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		buf_addf(e, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (st.st_size > TPL_MAX_FILE) {
		buf_addf(e, "%s: larger than %d bytes", path, TPL_MAX_FILE);
		goto fail;
	}
	/* One byte more than allowed, to notice a file that grew. */
	p = xmalloc((size_t)st.st_size + 2);
	for (;;) {
		r = read(fd, p + len, (size_t)st.st_size + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			buf_addf(e, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > (size_t)st.st_size) {
			buf_addf(e, "%s: changed while being read", path);
			goto fail;
		}
	}
	p[len] = '\0';
	close(fd);
	*lenp = len;
	return p;
fail:
	free(p);
	close(fd);
	return NULL;
}

/* Load the templates in root/rel (rel "" or ending in '/'). */
static int
scan_dir(struct tpl_set *set, size_t *cap, const char *root,
    struct buf *rel, int level, struct buf *e)
{
	struct buf path = BUF_INIT, name = BUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t rlen = rel->len, len;
	char *src;
	int rc = -1;

	buf_addf(&path, "%s%s%s", root, rel->len ? "/" : "", rel->ptr);
	if ((d = opendir(path.ptr)) == NULL) {
		buf_addf(e, "%s: %s", path.ptr, strerror(errno));
		buf_release(&path);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		buf_setlen(rel, rlen);
		buf_adds(rel, de->d_name);
		buf_reset(&path);
		buf_addf(&path, "%s/%s", root, rel->ptr);
		if (stat(path.ptr, &st) < 0) {
			buf_addf(e, "%s: %s", path.ptr, strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (level + 1 >= MAX_DIRS) {
				buf_addf(e, "%s: directories nest deeper "
				    "than %d", path.ptr, MAX_DIRS);
				goto out;
			}
			buf_addch(rel, '/');
			if (scan_dir(set, cap, root, rel, level + 1, e) < 0)
				goto out;
			continue;
		}
		if (!S_ISREG(st.st_mode) || !(ends_with(de->d_name, ".html") ||
		    ends_with(de->d_name, ".txt")))
			continue;
		if ((src = read_file(path.ptr, &len, e)) == NULL)
			goto out;
		buf_reset(&name);
		buf_add(&name, rel->ptr, rel->len);
		if (set_add(set, cap, name.ptr, path.ptr, src, len, e) < 0)
			goto out;
	}
	if (errno != 0) {
		buf_setlen(rel, rlen);
		buf_addf(e, "%s/%s: %s", root, rel->ptr, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_setlen(rel, rlen);
	closedir(d);
	buf_release(&name);
	buf_release(&path);
	return rc;
}

struct tpl_set *
tpl_load_dir(const char *dir)
{
	struct tpl_set *set = xcalloc(1, sizeof(*set));
	struct buf e = BUF_INIT, rel = BUF_INIT;
	size_t cap = 0;
	int rc;

	rc = scan_dir(set, &cap, dir, &rel, 0, &e);
	buf_release(&rel);
	if (rc < 0 || link_set(set, &e) < 0)
		return load_fail(set, &e, NULL, __func__);
	buf_release(&e);
	log_debug("%zu templates from %s", set->n, dir);
	return set;
}

size_t
tpl_count(const struct tpl_set *set)
{
	return set->n;
}

int
tpl_has(const struct tpl_set *set, const char *name)
{
	return find(set, name) != NULL;
}

/* ------------------------------------------------------------------ */
/* Rendering */

struct frame {
	json_object	*ctx;
	int		 index;	/* position in the list being walked, or -1 */
	int		 count;	/* its length, or -1 when not a list */
};

struct render {
	const struct tpl_set *set;
	struct buf	*out;
	struct buf	*err;	/* NULL: log */
	unsigned	 flags;
	int		 failed;
	int		 nframe;
	struct frame	 f[MAX_STACK];
};

enum vkind { V_MISSING, V_JSON, V_INT, V_BOOL };

struct val {
	int		 kind;	/* enum vkind */
	json_object	*o;	/* V_JSON; NULL is JSON null */
	int64_t		 n;	/* V_INT, V_BOOL */
};

static void rerr(struct render *, const struct tpl *, const struct node *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
rerr(struct render *r, const struct tpl *t, const struct node *nd,
    const char *fmt, ...)
{
	struct buf e = BUF_INIT;
	va_list ap;

	r->failed = 1;
	locerr(&e, t, nd->pos, "%s", "");
	va_start(ap, fmt);
	buf_vaddf(&e, fmt, ap);
	va_end(ap);
	if (r->err != NULL)
		buf_add(r->err, e.ptr, e.len);
	else
		log_msg(LOGL_ERR, "tpl_render", "%s", e.ptr);
	buf_release(&e);
}

/* The name of a VAR or section node as written, for messages. */
static const char *
name_text(const struct tpl *t, const struct node *nd, struct buf *b)
{
	int i;

	switch (nd->name) {
	case NM_DOT:	return ".";
	case NM_INDEX:	return "@index";
	case NM_FIRST:	return "@first";
	case NM_LAST:	return "@last";
	}
	for (i = 0; i < nd->nseg; i++) {
		if (i > 0)
			buf_addch(b, '.');
		buf_adds(b, t->pool.ptr + t->segs[nd->a + i]);
	}
	return b->ptr;
}

static struct val
resolve(const struct render *r, const struct tpl *t, const struct node *nd)
{
	struct val v = { V_MISSING, NULL, 0 };
	json_object *o = NULL, *ctx;
	int i, k;

	switch (nd->name) {
	case NM_DOT:
		v.kind = V_JSON;
		v.o = r->f[r->nframe - 1].ctx;
		return v;
	case NM_INDEX:
	case NM_FIRST:
	case NM_LAST:
		for (i = r->nframe - 1; i >= 0; i--)
			if (r->f[i].count >= 0)
				break;
		if (i < 0)
			return v;
		v.kind = nd->name == NM_INDEX ? V_INT : V_BOOL;
		v.n = nd->name == NM_INDEX ? r->f[i].index :
		    nd->name == NM_FIRST ? r->f[i].index == 0 :
		    r->f[i].index == r->f[i].count - 1;
		return v;
	}
	/* The first part is looked up outward; the rest only inside it. */
	for (i = r->nframe - 1; i >= 0; i--) {
		ctx = r->f[i].ctx;
		if (json_object_is_type(ctx, json_type_object) &&
		    json_object_object_get_ex(ctx,
		    t->pool.ptr + t->segs[nd->a], &o))
			break;
	}
	if (i < 0)
		return v;
	for (k = 1; k < nd->nseg; k++)
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o,
		    t->pool.ptr + t->segs[nd->a + k], &o))
			return v;
	v.kind = V_JSON;
	v.o = o;
	return v;
}

static int
truthy(const struct val *v)
{
	switch (v->kind) {
	case V_INT:
	case V_BOOL:
		return v->n != 0;
	case V_JSON:
		break;
	default:
		return 0;
	}
	switch (json_object_get_type(v->o)) {
	case json_type_boolean:
		return json_object_get_boolean(v->o);
	case json_type_int:
		return json_object_get_int64(v->o) != 0;
	case json_type_double:
		return json_object_get_double(v->o) != 0.0;
	case json_type_string:
		return json_object_get_string_len(v->o) > 0;
	case json_type_array:
		return json_object_array_length(v->o) > 0;
	case json_type_object:
		return 1;
	case json_type_null:
	default:
		return 0;
	}
}

/* Decimal text of a json-c integer, exactly, including above INT64_MAX. */
static size_t
fmt_int(json_object *o, char *tmp, size_t size)
{
	int64_t i = json_object_get_int64(o);
	int n;

	if (i == INT64_MAX)
		n = snprintf(tmp, size, "%" PRIu64, json_object_get_uint64(o));
	else
		n = snprintf(tmp, size, "%" PRId64, i);
	return n < 0 ? 0 : (size_t)n;
}

/* %.15g: the digits a double reliably holds, no trailing zeros. */
static size_t
fmt_double(double d, char *tmp, size_t size, int json)
{
	int n;

	if (isnan(d))
		n = snprintf(tmp, size, "%s", json ? "null" : "NaN");
	else if (isinf(d))
		n = snprintf(tmp, size, "%s", json ? "null" :
		    d < 0 ? "-Infinity" : "Infinity");
	else
		n = snprintf(tmp, size, "%.15g", d);
	return n < 0 ? 0 : (size_t)n;
}

/*
 * The text of a scalar: *sp and *np, possibly pointing into tmp.
 * Returns -1 for an object or array, which have no text.
 */
static int
scalar_text(const struct val *v, char *tmp, size_t size, const char **sp,
    size_t *np)
{
	*sp = tmp;
	*np = 0;
	switch (v->kind) {
	case V_MISSING:
		return 0;
	case V_INT:
		*np = (size_t)snprintf(tmp, size, "%" PRId64, v->n);
		return 0;
	case V_BOOL:
		*sp = v->n ? "true" : "false";
		*np = strlen(*sp);
		return 0;
	}
	switch (json_object_get_type(v->o)) {
	case json_type_null:
		return 0;
	case json_type_boolean:
		*sp = json_object_get_boolean(v->o) ? "true" : "false";
		*np = strlen(*sp);
		return 0;
	case json_type_int:
		*np = fmt_int(v->o, tmp, size);
		return 0;
	case json_type_double:
		*np = fmt_double(json_object_get_double(v->o), tmp, size, 0);
		return 0;
	case json_type_string:
		*sp = json_object_get_string(v->o);
		*np = (size_t)json_object_get_string_len(v->o);
		return 0;
	default:
		return -1;
	}
}

/*
 * The length of the valid UTF-8 sequence at s (at most n bytes), its
 * code point in *cp; 0 when the bytes are not valid UTF-8 (overlong
 * forms, surrogates and values past U+10FFFF included).
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		c &= 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/*
 * A JSON string that stays inert inside <script>: < > & ' as \u00XX so
 * it cannot end the element or open a comment, U+2028 and U+2029 as
 * escapes for pre-2019 JavaScript, and invalid UTF-8 as U+FFFD so the
 * output is always valid JSON.
 */
static void
js_str(struct buf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, len;
	uint32_t cp;
	unsigned c;

	buf_addch(b, '"');
	while (i < n) {
		c = s[i];
		if (c >= 0x80) {
			len = utf8_seq(s + i, n - i, &cp);
			if (len != 0 && cp != 0x2028 && cp != 0x2029) {
				i += len;
				continue;
			}
			buf_add(b, s + start, i - start);
			buf_adds(b, len == 0 ? "\\ufffd" :
			    cp == 0x2028 ? "\\u2028" : "\\u2029");
			i += len == 0 ? 1 : len;
			start = i;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' &&
		    c != '>' && c != '&' && c != '\'') {
			i++;
			continue;
		}
		buf_add(b, s + start, i - start);
		switch (c) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default:
			buf_adds(b, "\\u00");
			buf_addch(b, hex[c >> 4]);
			buf_addch(b, hex[c & 15]);
			break;
		}
		start = ++i;
	}
	buf_add(b, s + start, n - start);
	buf_addch(b, '"');
}

/* Write o as JSON; -1 past TPL_MAX_JSON levels. */
static int
js_json(struct buf *b, json_object *o, int depth)
{
	char tmp[64];
	size_t i, n;
	int first = 1;

	if (depth > TPL_MAX_JSON)
		return -1;
	switch (json_object_get_type(o)) {
	case json_type_null:
		buf_adds(b, "null");
		return 0;
	case json_type_boolean:
		buf_adds(b, json_object_get_boolean(o) ? "true" : "false");
		return 0;
	case json_type_int:
		buf_add(b, tmp, fmt_int(o, tmp, sizeof(tmp)));
		return 0;
	case json_type_double:
		buf_add(b, tmp, fmt_double(json_object_get_double(o), tmp,
		    sizeof(tmp), 1));
		return 0;
	case json_type_string:
		js_str(b, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		return 0;
	case json_type_array:
		buf_addch(b, '[');
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addch(b, ',');
			if (js_json(b, json_object_array_get_idx(o, i),
			    depth + 1) < 0)
				return -1;
		}
		buf_addch(b, ']');
		return 0;
	case json_type_object: {
		buf_addch(b, '{');
		json_object_object_foreach(o, key, val) {
			if (!first)
				buf_addch(b, ',');
			first = 0;
			js_str(b, key, strlen(key));
			buf_addch(b, ':');
			if (js_json(b, val, depth + 1) < 0)
				return -1;
		}
		buf_addch(b, '}');
		return 0;
	}
	}
	buf_adds(b, "null");
	return 0;
}

/*
 * A whole URL for href/src: http:, https:, mailto: or relative.  Leading
 * and trailing spaces and controls are dropped as browsers do; anything
 * else (other schemes, control characters inside, which browsers strip
 * to hide "java\tscript:", and scheme-relative "//host") becomes
 * "about:invalid".
 */
static void
href_emit(struct buf *b, const char *s, size_t n, int html)
{
	static const char *const ok[] = { "http", "https", "mailto" };
	size_t i, k;

	while (n > 0 && (unsigned char)s[0] <= 0x20) {
		s++;
		n--;
	}
	while (n > 0 && (unsigned char)s[n - 1] <= 0x20)
		n--;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			goto bad;
	if (n >= 2 && (s[0] == '/' || s[0] == '\\') &&
	    (s[1] == '/' || s[1] == '\\'))
		goto bad;
	for (i = 0; i < n; i++)
		if (s[i] == ':' || s[i] == '/' || s[i] == '?' || s[i] == '#' ||
		    s[i] == '\\')
			break;
	if (i < n && s[i] == ':') {
		for (k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
			if (strlen(ok[k]) == i && strncasecmp(s, ok[k], i) == 0)
				break;
		if (k == sizeof(ok) / sizeof(ok[0]))
			goto bad;
	}
	if (html)
		buf_add_html(b, s, n);
	else
		buf_add(b, s, n);
	return;
bad:
	buf_adds(b, "about:invalid");
}

static void
emit_var(struct render *r, const struct tpl *t, const struct node *nd)
{
	struct val v = resolve(r, t, nd);
	struct buf nb = BUF_INIT;
	char tmp[64];
	const char *s;
	size_t n;

	if (v.kind == V_MISSING && (r->flags & TPL_STRICT)) {
		rerr(r, t, nd, "no value for '%s'", name_text(t, nd, &nb));
		buf_release(&nb);
		return;
	}
	if (nd->esc == ESC_JS) {
		if (v.kind == V_JSON) {
			if (js_json(r->out, v.o, 0) < 0) {
				rerr(r, t, nd, "'%s' nests deeper than %d",
				    name_text(t, nd, &nb), TPL_MAX_JSON);
				buf_release(&nb);
			}
			return;
		}
		scalar_text(&v, tmp, sizeof(tmp), &s, &n);
		if (v.kind == V_MISSING)
			buf_adds(r->out, "null");
		else
			buf_add(r->out, s, n);
		return;
	}
	if (scalar_text(&v, tmp, sizeof(tmp), &s, &n) < 0) {
		if (r->flags & TPL_STRICT) {
			rerr(r, t, nd, "'%s' is %s, not text",
			    name_text(t, nd, &nb),
			    json_object_is_type(v.o, json_type_array) ?
			    "an array" : "an object");
			buf_release(&nb);
		}
		return;
	}
	switch (nd->esc) {
	case ESC_HTML:
		buf_add_html(r->out, s, n);
		break;
	case ESC_URL:
		buf_add_url(r->out, s, n);
		break;
	case ESC_HREF:
		href_emit(r->out, s, n, !t->text);
		break;
	case ESC_RAW:
	case ESC_NONE:
	default:
		buf_add(r->out, s, n);
		break;
	}
}

static void
push(struct render *r, json_object *ctx, int index, int count)
{
	r->f[r->nframe].ctx = ctx;
	r->f[r->nframe].index = index;
	r->f[r->nframe].count = count;
	r->nframe++;
}

static int render_range(struct render *, const struct tpl *, uint32_t,
    uint32_t);

static int
render_section(struct render *r, const struct tpl *t, uint32_t i)
{
	const struct node *nd = &t->nodes[i];
	struct val v = resolve(r, t, nd);
	struct buf nb = BUF_INIT;
	size_t k, n;
	int rc = 0;

	if (v.kind == V_MISSING && (r->flags & TPL_STRICT)) {
		rerr(r, t, nd, "no value for '%s'", name_text(t, nd, &nb));
		buf_release(&nb);
		return -1;
	}
	/* link_walk() bounded the nesting; this only guards the array. */
	if (r->nframe == MAX_STACK) {
		rerr(r, t, nd, "sections nest too deep");
		return -1;
	}
	if (nd->kind == N_INVERTED) {
		if (!truthy(&v))
			rc = render_range(r, t, i + 1, nd->b);
		return rc;
	}
	if (!truthy(&v))
		return 0;
	if (v.kind == V_JSON && json_object_is_type(v.o, json_type_array)) {
		n = json_object_array_length(v.o);
		for (k = 0; k < n && rc == 0; k++) {
			push(r, json_object_array_get_idx(v.o, k), (int)k,
			    (int)n);
			rc = render_range(r, t, i + 1, nd->b);
			r->nframe--;
		}
		return rc;
	}
	if (v.kind != V_JSON)	/* @first, @last, @index: no new context */
		return render_range(r, t, i + 1, nd->b);
	push(r, v.o, -1, -1);
	rc = render_range(r, t, i + 1, nd->b);
	r->nframe--;
	return rc;
}

static int
render_range(struct render *r, const struct tpl *t, uint32_t lo,
    uint32_t hi)
{
	const struct node *nd;
	const struct tpl *c;
	uint32_t i = lo;

	while (i < hi) {
		if (r->failed || r->out->err)
			return -1;
		nd = &t->nodes[i];
		switch (nd->kind) {
		case N_TEXT:
			buf_add(r->out, t->src + nd->a, nd->b);
			i++;
			break;
		case N_VAR:
			emit_var(r, t, nd);
			i++;
			break;
		case N_SECTION:
		case N_INVERTED:
			if (render_section(r, t, i) < 0)
				return -1;
			i = nd->b;
			break;
		case N_PARTIAL:
			c = &r->set->t[nd->a];
			if (render_range(r, c, 0, c->nnodes) < 0)
				return -1;
			i++;
			break;
		default:
			i++;
			break;
		}
	}
	return r->failed || r->out->err ? -1 : 0;
}

static int
render_main(const struct tpl_set *set, const char *name, json_object *view,
    struct buf *out, unsigned flags, struct buf *err)
{
	struct render r;
	const struct tpl *t;
	size_t start = out->len;

	if ((t = find(set, name)) == NULL) {
		if (err != NULL)
			buf_addf(err, "no template '%s'", name);
		else
			log_msg(LOGL_ERR, "tpl_render", "no template '%s'",
			    name);
		return -1;
	}
	r.set = set;
	r.out = out;
	r.err = err;
	r.flags = flags;
	r.failed = 0;
	r.nframe = 0;
	push(&r, view, -1, -1);
	if (render_range(&r, t, 0, t->nnodes) == 0)
		return 0;
	if (out->err && !r.failed) {
		if (err != NULL)
			buf_addf(err, "%s: output past %zu bytes", t->name,
			    out->max);
		else
			log_msg(LOGL_ERR, "tpl_render", "%s: output past %zu "
			    "bytes", t->name, out->max);
	}
	if (out->len > start)
		buf_setlen(out, start);
	return -1;
}

int
tpl_render(const struct tpl_set *set, const char *name, json_object *view,
    struct buf *out, unsigned flags)
{
	return render_main(set, name, view, out, flags, NULL);
}

int
tpl_render_string(const char *src, json_object *view, struct buf *out,
    unsigned flags, struct buf *err)
{
	struct tpl_src one = { "string.html", src };
	struct tpl_set *set;
	int rc;

	if ((set = tpl_load_mem(&one, 1, err)) == NULL)
		return -1;
	rc = render_main(set, one.name, view, out, flags, err);
	tpl_free(set);
	return rc;
}
