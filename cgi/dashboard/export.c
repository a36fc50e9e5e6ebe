/*
 * export: CSV cells that a spreadsheet cannot run, a streaming JSON
 * writer, and download names that cannot break a header.  See export.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

#define FILENAME_PART_MAX	64

/* U+FFFD, in place of a control character that has no place in a cell. */
#define REPLACEMENT	"\xef\xbf\xbd"

/* ------------------------------------------------------------ CSV */

void
export_csv_cell(struct buf *out, const char *s, size_t n, int first_in_row)
{
	size_t i;
	unsigned char c;
	int quote = 0;

	if (!first_in_row)
		buf_addch(out, ',');
	if (s == NULL)
		return;
	for (i = 0; i < n && !quote; i++)
		switch (s[i]) {
		case ',': case ';': case '"': case '\r': case '\n': case '\t':
			quote = 1;
			break;
		default:
			break;
		}
	if (quote)
		buf_addch(out, '"');
	if (n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
	    s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
		buf_addch(out, '\'');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"')
			buf_add(out, "\"\"", 2);
		else if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			buf_adds(out, REPLACEMENT);
		else
			buf_addch(out, c);
	}
	if (quote)
		buf_addch(out, '"');
}

void
export_csv_str(struct buf *out, const char *s, int first_in_row)
{
	export_csv_cell(out, s, s != NULL ? strlen(s) : 0, first_in_row);
}

void
export_csv_int(struct buf *out, long long v, int first_in_row)
{
	if (!first_in_row)
		buf_addch(out, ',');
	buf_addf(out, "%lld", v);
}

void
export_csv_double(struct buf *out, double v, int decimals, int first_in_row)
{
	size_t start, k;

	if (!first_in_row)
		buf_addch(out, ',');
	if (!isfinite(v))
		return;
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	start = out->len;
	buf_addf(out, "%.*f", decimals, v);
	/* "-0.00" (a tiny negative, or -0) reads as a number but looks wrong. */
	if (out->len > start + 1 && out->ptr[start] == '-') {
		k = strspn(out->ptr + start + 1, "0.");
		if (start + 1 + k == out->len) {
			memmove(out->ptr + start, out->ptr + start + 1, k);
			buf_setlen(out, out->len - 1);
		}
	}
}

void
export_csv_end_row(struct buf *out)
{
	buf_add(out, "\r\n", 2);
}

void
export_csv_bom(struct buf *out)
{
	buf_add(out, "\xef\xbb\xbf", 3);
}

/* ------------------------------------------------------------ JSON */

void
jw_init(struct json_writer *w, struct buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/*
 * Before any value: the comma, if one is due, or the check that a key
 * came first.  0 when the value may be written, -1 (w->err set) if not.
 */
static int
jw_value(struct json_writer *w)
{
	int d;

	if (w->err)
		return -1;
	if (w->depth == 0) {
		if (w->done)
			goto bad;
		return 0;
	}
	d = w->depth - 1;
	if (w->obj[d]) {
		if (!w->after_key)
			goto bad;
		w->after_key = 0;
		return 0;
	}
	if (!w->first[d])
		buf_addch(w->out, ',');
	w->first[d] = 0;
	return 0;
bad:
	w->err = 1;
	return -1;
}

/* After a scalar or a closed container: at the top, the document is complete. */
static void
jw_wrote(struct json_writer *w)
{
	if (w->depth == 0)
		w->done = 1;
}

static void
jw_open(struct json_writer *w, int obj)
{
	if (jw_value(w) == -1)
		return;
	if (w->depth == JW_MAX_DEPTH) {
		w->err = 1;
		return;
	}
	buf_addch(w->out, obj ? '{' : '[');
	w->first[w->depth] = 1;
	w->obj[w->depth] = obj;
	w->depth++;
}

static void
jw_close(struct json_writer *w, int obj)
{
	if (w->err)
		return;
	if (w->depth == 0 || w->obj[w->depth - 1] != obj || w->after_key) {
		w->err = 1;
		return;
	}
	w->depth--;
	buf_addch(w->out, obj ? '}' : ']');
	jw_wrote(w);
}

void
jw_obj_begin(struct json_writer *w)
{
	jw_open(w, 1);
}

void
jw_obj_end(struct json_writer *w)
{
	jw_close(w, 1);
}

void
jw_arr_begin(struct json_writer *w)
{
	jw_open(w, 0);
}

void
jw_arr_end(struct json_writer *w)
{
	jw_close(w, 0);
}

void
jw_key(struct json_writer *w, const char *key)
{
	int d;

	if (w->err)
		return;
	if (w->depth == 0 || !w->obj[w->depth - 1] || w->after_key ||
	    key == NULL) {
		w->err = 1;
		return;
	}
	d = w->depth - 1;
	if (!w->first[d])
		buf_addch(w->out, ',');
	w->first[d] = 0;
	buf_add_json_str(w->out, key, strlen(key));
	buf_addch(w->out, ':');
	w->after_key = 1;
}

void
jw_str(struct json_writer *w, const char *s, size_t n)
{
	if (jw_value(w) == -1)
		return;
	if (s == NULL)
		buf_add(w->out, "null", 4);
	else
		buf_add_json_str(w->out, s, n);
	jw_wrote(w);
}

void
jw_int(struct json_writer *w, long long v)
{
	if (jw_value(w) == -1)
		return;
	buf_addf(w->out, "%lld", v);
	jw_wrote(w);
}

void
jw_double(struct json_writer *w, double v)
{
	char num[32];
	int prec, len = 0;

	if (jw_value(w) == -1)
		return;
	if (!isfinite(v)) {
		buf_add(w->out, "null", 4);
		jw_wrote(w);
		return;
	}
	/* 17 significant digits always read back exactly; try shorter first. */
	for (prec = 15; prec <= 17; prec++) {
		len = snprintf(num, sizeof(num), "%.*g", prec, v);
		if (len > 0 && (size_t)len < sizeof(num) &&
		    strtod(num, NULL) == v)
			break;
	}
	if (len <= 0 || (size_t)len >= sizeof(num)) {
		/* Cannot happen for a finite double in the C locale. */
		buf_add(w->out, "null", 4);
	} else
		buf_add(w->out, num, (size_t)len);
	jw_wrote(w);
}

void
jw_bool(struct json_writer *w, int v)
{
	if (jw_value(w) == -1)
		return;
	if (v)
		buf_add(w->out, "true", 4);
	else
		buf_add(w->out, "false", 5);
	jw_wrote(w);
}

void
jw_null(struct json_writer *w)
{
	if (jw_value(w) == -1)
		return;
	buf_add(w->out, "null", 4);
	jw_wrote(w);
}

/* ------------------------------------------------------------ file name */

/* Append the bytes of s in the allowed set, at most FILENAME_PART_MAX; "x" if none. */
static void
filename_part(struct buf *out, const char *s, int ext)
{
	size_t kept = 0;
	unsigned char c;

	if (ext)
		while (*s == '.')
			s++;
	for (; *s != '\0' && kept < FILENAME_PART_MAX; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') ||
		    (!ext && (c == '.' || c == '_' || c == '-'))) {
			buf_addch(out, c);
			kept++;
		}
	}
	if (kept == 0)
		buf_addch(out, 'x');
}

void
export_filename(struct buf *out, const char *domain, const char *report,
    const char *from, const char *to, const char *ext)
{
	const char *parts[4];
	size_t i;

	parts[0] = domain;
	parts[1] = report;
	parts[2] = from;
	parts[3] = to;
	buf_adds(out, "trackr");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i] != NULL) {
			buf_addch(out, '-');
			filename_part(out, parts[i], 0);
		}
	if (ext != NULL) {
		buf_addch(out, '.');
		filename_part(out, ext, 1);
	}
}
