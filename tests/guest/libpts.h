/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpts.h - talking to ptscope.ko from the tests: query lines, the binary
 * record stream of include/uapi/ptscope.h and the text views.
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure; none of them prints.  Structural problems in a stream are
 * described in a caller buffer by pts_stream_check().
 */
#ifndef PTSCOPE_LIBPTS_H
#define PTSCOPE_LIBPTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <uapi/ptscope.h>

/** union pts_rec - one PTSCOPE_REC_SIZE record of any type */
union pts_rec {
	__u32 type;
	struct ptscope_rec_header hdr;
	struct ptscope_rec_vma vma;
	struct ptscope_rec_entry ent;
	struct ptscope_rec_level lvl;
	struct ptscope_rec_stats stats;
	struct ptscope_rec_end end;
	unsigned char raw[PTSCOPE_REC_SIZE];
};

/**
 * struct pts_stream - a binary stream as read from one descriptor
 * @rec: all records in order, header first
 * @nr: number of records
 * @bytes: bytes read in total
 * @read_err: 0, or the negative errno of the read() that failed
 * @end: index of the END record in @rec, or -1 if none was seen
 */
struct pts_stream {
	union pts_rec *rec;
	size_t nr;
	size_t bytes;
	int read_err;
	long end;
};

/** pts_path() - "/sys/kernel/debug/ptscope/@name" in a static buffer */
const char *pts_path(const char *name);

/** pts_open() - open a ptscope debugfs file; fd or -errno */
int pts_open(const char *name, int flags);

/**
 * pts_write_line() - write @line in a single write() and check the count.
 *
 * Return: 0, -errno of the write, or -EIO for a short write.
 */
int pts_write_line(int fd, const char *line);

/** pts_writef() - printf-style pts_write_line() */
int pts_writef(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * pts_stream_read() - read records from @fd until EOF or an error.
 * @fd: query descriptor after a successful write
 * @chunk_recs: records per read(), at least 1
 * @st: filled in; free with pts_stream_free()
 *
 * A read() error is kept in @st->read_err, not returned.
 * Return: 0, or -ENOMEM / -EPROTO (a read not a multiple of the size).
 */
int pts_stream_read(int fd, size_t chunk_recs, struct pts_stream *st);

/** pts_stream_init() - an empty stream, no END seen */
void pts_stream_init(struct pts_stream *st);

/**
 * pts_stream_step() - one read() of @chunk_recs records appended to @st.
 * Return: 1 when records came, 0 at EOF or on a read() error (kept in
 * @st->read_err), -ENOMEM, or -EPROTO for a size not a multiple of 128.
 */
int pts_stream_step(int fd, size_t chunk_recs, struct pts_stream *st);

/** pts_stream_free() - release @st->rec */
void pts_stream_free(struct pts_stream *st);

/**
 * pts_query_stream() - open "query", write @line, read the whole stream.
 * Return: 0 or -errno of open/write; read problems are in @st.
 */
int pts_query_stream(const char *line, struct pts_stream *st);

/**
 * pts_stream_check() - structural checks of a complete stream: header
 * magic/version/rec_size, record order (VMA, its entries and holes in
 * address order inside it, STATS, END), END.nr_records and STATS counts.
 * @why: receives the first problem found
 * Return: 0 when sound, -EPROTO otherwise.
 */
int pts_stream_check(const struct pts_stream *st, char *why, size_t len);

/** pts_stream_hdr() - the header record, or NULL */
const struct ptscope_rec_header *pts_stream_hdr(const struct pts_stream *st);

/** pts_vma_name() - copy a VMA record's NUL-padded name into @buf */
void pts_vma_name(const struct ptscope_rec_vma *v, char *buf, size_t len);

/** pts_entry_mapped() - ENTRY that maps a frame (present or PROT_NONE) */
int pts_entry_mapped(const struct ptscope_rec_entry *e);

/**
 * pts_query_text() - run a text view through "query" into a malloc'ed,
 * NUL-terminated buffer.
 * Return: text length, or -errno of open/write/read.
 */
long pts_query_text(const char *line, char **text);

/** pts_read_text_fd() - read @fd to EOF into a malloc'ed string */
long pts_read_text_fd(int fd, char **text);

/**
 * pts_frames_pread() - pread @n words of a view=frames descriptor, from
 * word @idx on (the page at range start + @idx * 4096).
 * Return: 0 when all came, -errno, or -EPROTO (EOF or a partial word).
 */
int pts_frames_pread(int fd, uint64_t *out, uint64_t n, uint64_t idx);

/**
 * pts_query_frames() - open "query", write @line (a view=frames query)
 * and read its first @n words.
 * Return: 0 or -errno.
 */
int pts_query_frames(const char *line, uint64_t *out, uint64_t n);

/** pts_text_has_hex() - does @text contain a hex number equal to @val? */
int pts_text_has_hex(const char *text, uint64_t val);

#endif /* PTSCOPE_LIBPTS_H */
