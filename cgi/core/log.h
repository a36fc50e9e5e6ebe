/*
 * log: one line per message on standard error, which the process manager
 * (or scripts/trackr) collects.  Thread-safe; a line is written whole.
 */
#ifndef TRACKR_LOG_H
#define TRACKR_LOG_H

enum log_level { LOGL_ERR, LOGL_WARN, LOGL_INFO, LOGL_DEBUG, LOGL__MAX };

/* Set the program name shown on every line and the lowest level kept. */
void	log_init(const char *prog, enum log_level);
/* Parse "error", "warn", "info", "debug"; -1 when unknown. */
int	log_level_parse(const char *);
int	log_enabled(enum log_level);
void	log_msg(enum log_level, const char *func, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#define log_err(...)	log_msg(LOGL_ERR, __func__, __VA_ARGS__)
#define log_warn(...)	log_msg(LOGL_WARN, __func__, __VA_ARGS__)
#define log_info(...)	log_msg(LOGL_INFO, __func__, __VA_ARGS__)
#define log_debug(...)	do { if (log_enabled(LOGL_DEBUG)) \
	log_msg(LOGL_DEBUG, __func__, __VA_ARGS__); } while (0)

#endif
