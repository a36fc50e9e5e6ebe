/*
 * export: the dashboard's downloads, CSV and JSON, written piece by piece
 * into a struct buf so a handler can stream them (resp_stream_flush()
 * between rows).  Nothing here allocates beyond the buffer it is given,
 * and nothing can fail except by the buffer's own sticky length error.
 *
 * Text is expected to be valid UTF-8 (tracked data is checked at the
 * collector); these functions never validate it, but neither lets a byte
 * of it change the structure of the file.
 */
#ifndef TRACKR_EXPORT_H
#define TRACKR_EXPORT_H

#include <stddef.h>

#include "buf.h"

/*
 * CSV (RFC 4180): fields separated by ',', rows ended by "\r\n".
 *
 * A text field is quoted, its '"' doubled, when it holds ',', '"', CR or
 * LF, and also ';' or TAB: spreadsheets in many locales split on ';' (or
 * guess TAB), and an unquoted "a;=cmd" would there start a cell with a
 * formula.
 *
 * Formula neutralisation (OWASP, CSV injection): a text cell whose first
 * byte is '=', '+', '-', '@', TAB or CR gets a leading "'", inside the
 * quotes when quoted, so a spreadsheet shows it as text.  Text that
 * merely looks like a negative number ("-5") gets it too: numbers go
 * through export_csv_int() or export_csv_double(), which never add one.
 *
 * Control characters: NUL and the other C0 controls except TAB, CR and
 * LF become U+FFFD, so the loss is visible and no reader that stops at
 * NUL or chokes on controls sees a different file.  TAB, CR and LF stay
 * (inside quotes).
 */

/* Append one text cell; s NULL is an empty cell.  first_in_row: no ',' before it. */
void	export_csv_cell(struct buf *, const char *s, size_t n, int first_in_row);
/* The same for a NUL-terminated string (NULL: empty cell). */
void	export_csv_str(struct buf *, const char *s, int first_in_row);
/* Append a whole number, as is ("-3" is a number, not a formula). */
void	export_csv_int(struct buf *, long long v, int first_in_row);
/*
 * Append a number with decimals (0 to 6) digits after the point, always
 * '.' (the programs never set a locale); NaN and infinities give an
 * empty cell.
 */
void	export_csv_double(struct buf *, double v, int decimals, int first_in_row);
/* End the row: "\r\n". */
void	export_csv_end_row(struct buf *);
/*
 * Append the UTF-8 byte order mark, first in the file.  Excel reads a
 * CSV as the system's legacy code page unless it starts with one;
 * LibreOffice, Numbers, pandas and Python's csv (utf-8-sig) accept it.
 * The dashboard sends it; a program reading the file may need to skip it.
 */
void	export_csv_bom(struct buf *);

/*
 * JSON, written as it goes, commas placed for the caller:
 *
 *	jw_init(&w, &resp->body);
 *	jw_arr_begin(&w);
 *	for each row: jw_obj_begin(&w); jw_key(&w, "page"); jw_str(&w, p, n);
 *	    jw_key(&w, "visitors"); jw_int(&w, v); jw_obj_end(&w);
 *	jw_arr_end(&w);
 *
 * The writer keeps only its nesting, never the bytes, so the buffer may
 * be flushed and emptied between any two calls.  Strings go through
 * buf_add_json_str(): quotes, backslashes and control characters
 * escaped, and <, >, &, ', U+2028 and U+2029 too, so the output is inert
 * even inside a <script> element.
 *
 * Misuse (nesting past JW_MAX_DEPTH, a value in an object without a key,
 * a key outside an object, an end that does not match, a second
 * top-level value) sets w->err and makes every later call write
 * nothing: the shape of an export is fixed by code, so this is a bug to
 * find in tests, and a caller checks w->err once at the end.
 */
#define JW_MAX_DEPTH	8

struct json_writer {
	struct buf	*out;
	int		 depth;			/* containers open */
	int		 first[JW_MAX_DEPTH];	/* nothing written yet in this one */
	int		 obj[JW_MAX_DEPTH];	/* it is an object, not an array */
	int		 after_key;		/* a key was written, its value is due */
	int		 done;			/* the top-level value is complete */
	int		 err;			/* misuse: see above */
};

/* Start writing into out (not owned; it must outlive the writer). */
void	jw_init(struct json_writer *, struct buf *out);
void	jw_obj_begin(struct json_writer *);
void	jw_obj_end(struct json_writer *);
void	jw_arr_begin(struct json_writer *);
void	jw_arr_end(struct json_writer *);
/* The key of the next value in the current object (NUL-terminated). */
void	jw_key(struct json_writer *, const char *key);
/* A string of n bytes; s NULL writes null. */
void	jw_str(struct json_writer *, const char *s, size_t n);
void	jw_int(struct json_writer *, long long);
/* The shortest form that reads back as the same double; NaN and infinities write null. */
void	jw_double(struct json_writer *, double);
void	jw_bool(struct json_writer *, int);
void	jw_null(struct json_writer *);

/*
 * The download's name, "trackr-<domain>-<report>-<from>-<to>.<ext>",
 * appended to out.  Each part keeps only [A-Za-z0-9._-] (the extension
 * only [A-Za-z0-9], any leading '.' dropped) and at most 64 bytes of it;
 * a part left empty becomes "x"; a NULL part (or ext) is left out with
 * its '-' (or '.').  The result can be put between quotes in a
 * Content-Disposition header as it is: no CR, LF, quote, backslash, ';'
 * or '/' can reach it.
 */
void	export_filename(struct buf *out, const char *domain, const char *report,
	    const char *from, const char *to, const char *ext);

#endif
