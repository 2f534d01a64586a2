/*
 * fmt.c: formats one log line of the merged stream (SPEC section 5).
 *
 * Every line of every process goes through fmt_line, so it appends fixed
 * pieces with buf_add and never calls printf or allocates beyond out.
 */
#include <string.h>

#include "buf.h"
#include "compat.h"
#include "fmt.h"

#define FMT_RESET "\033[0m"
#define FMT_SYSTEM_COLOR "\033[1;37m"

/* The Unicode replacement character, U+FFFD, in UTF-8. */
#define FMT_REPLACEMENT "\xef\xbf\xbd"

/* Foreman's order: the six basic colours, then their bright variants. */
static const char *const fmt_colors[] = {
	"\033[36m", "\033[33m", "\033[32m", "\033[35m", "\033[31m", "\033[34m",
	"\033[96m", "\033[93m", "\033[92m", "\033[95m", "\033[91m", "\033[94m",
};

/* Padding is appended in slices of this. */
static const char fmt_spaces[] = "                                ";

/* Returns the SGR sequence of colour index i; see fmt.h. */
const char *
fmt_color(int i)
{
	if (i < 0)
		return FMT_SYSTEM_COLOR;
	return fmt_colors[(size_t)i % nitems(fmt_colors)];
}

/* Appends n spaces. */
static void
fmt_pad(struct buf *out, size_t n)
{
	size_t k;

	while (n > 0) {
		k = n < sizeof fmt_spaces - 1 ? n : sizeof fmt_spaces - 1;
		buf_add(out, fmt_spaces, k);
		n -= k;
	}
}

/*
 * Returns the length of the valid UTF-8 sequence starting at s (n bytes
 * available, s[0] >= 0x80), or 0 when it is invalid, with *bad set to how
 * many bytes make up the invalid maximal subpart (at least 1). The ranges
 * of the second byte are those of the Unicode standard (table 3-7), which
 * reject overlong forms, surrogates and code points above U+10FFFF.
 */
static size_t
fmt_utf8_len(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need;
}

/*
 * Appends s as a JSON string; see fmt.h. Runs of bytes that need no escape
 * are copied in one go. Each maximal invalid subpart of the UTF-8 (the
 * longest start of a well-formed sequence that breaks off, or else a
 * single byte) becomes one U+FFFD, the practice the Unicode standard
 * recommends and most decoders follow.
 */
void
fmt_json_string(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t i = 0, start, n, bad;
	unsigned char c;

	buf_addc(out, '"');
	while (i < len) {
		start = i;
		while (i < len && p[i] >= 0x20 && p[i] < 0x7f &&
		    p[i] != '"' && p[i] != '\\')
			i++;
		if (i > start)
			buf_add(out, s + start, i - start);
		if (i == len)
			break;

		c = p[i];
		if (c >= 0x80) {
			if ((n = fmt_utf8_len(p + i, len - i, &bad)) != 0) {
				buf_add(out, s + i, n);
				i += n;
			} else {
				buf_add(out, FMT_REPLACEMENT, 3);
				i += bad;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"':
			buf_add(out, "\\\"", 2);
			break;
		case '\\':
			buf_add(out, "\\\\", 2);
			break;
		case '\n':
			buf_add(out, "\\n", 2);
			break;
		case '\r':
			buf_add(out, "\\r", 2);
			break;
		case '\t':
			buf_add(out, "\\t", 2);
			break;
		case '\b':
			buf_add(out, "\\b", 2);
			break;
		case '\f':
			buf_add(out, "\\f", 2);
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			buf_add(out, esc, sizeof esc);
			break;
		}
	}
	buf_addc(out, '"');
}

/* Appends v in decimal. */
static void
fmt_long(struct buf *out, long v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	unsigned long u;

	u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	buf_add(out, p, (size_t)(tmp + sizeof tmp - p));
}

/* Appends the JSON Lines form of one line. */
static void
fmt_json_line(struct buf *out, const struct fmt_source *src,
    const struct fmt_time *tm, const char *text, size_t len)
{
	buf_add(out, "{\"time\":", 8);
	fmt_json_string(out, tm->iso, strnlen(tm->iso, sizeof tm->iso));
	buf_add(out, ",\"process\":", 11);
	fmt_json_string(out, src->name, strlen(src->name));
	if (src->type != NULL) {
		buf_add(out, ",\"type\":", 8);
		fmt_json_string(out, src->type, strlen(src->type));
	}
	if (src->pid != 0) {
		buf_add(out, ",\"pid\":", 7);
		fmt_long(out, src->pid);
	}
	buf_add(out, ",\"message\":", 11);
	fmt_json_string(out, text, len);
	buf_add(out, "}\n", 2);
}

/*
 * Appends one formatted line; see fmt.h. In colour, the whole prefix up to
 * and including '|' takes the source's colour and the reset comes before
 * the space, so the text itself is never coloured by tfrun.
 */
void
fmt_line(struct buf *out, const struct fmt_style *style,
    const struct fmt_source *src, const struct fmt_time *tm,
    const char *text, size_t len)
{
	size_t width, namelen;

	if (style->json) {
		fmt_json_line(out, src, tm, text, len);
		return;
	}
	/*
	 * tfrun's own lines (no type) keep their label without the prefix,
	 * so they can still be told from the processes' output.
	 */
	if (style->prefix || src->type == NULL) {
		if (style->color)
			buf_adds(out, fmt_color(src->color));
		if (style->timestamp && style->prefix) {
			buf_add(out, tm->hms, strnlen(tm->hms, sizeof tm->hms));
			buf_addc(out, ' ');
		}
		namelen = strlen(src->name);
		buf_add(out, src->name, namelen);
		width = style->width < FMT_MIN_WIDTH ? FMT_MIN_WIDTH :
		    style->width;
		if (namelen < width && style->prefix)
			fmt_pad(out, width - namelen);
		if (style->color)
			buf_add(out, " |" FMT_RESET " ", 7);
		else
			buf_add(out, " | ", 3);
	}
	buf_add(out, text, len);
	buf_addc(out, '\n');
}
