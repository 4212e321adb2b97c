/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of show, monitor and top, as text and as JSON; the JSON shape is
 * documented in dqctl.8.
 */
#ifndef DQ_RENDER_H
#define DQ_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "model.h"

/* What top saw at one time. */
struct dq_sample {
	uint64_t time_ns;	/* CLOCK_MONOTONIC */
	struct dq_vm *vms;
	size_t nr;
};

void dq_render_show(FILE *f, const struct dq_vm *vms, size_t nr);
/* {"vms": [...]}, with "time_ns" first if @time_ns is not NULL. */
void dq_render_show_json(FILE *f, const struct dq_vm *vms, size_t nr,
			 bool pretty, const uint64_t *time_ns);
void dq_json_vm(struct dq_json *j, const struct dq_vm *vm);
/* A budget, rate or quota: bytes, or null if unlimited. */
void dq_json_limit(struct dq_json *j, const char *key, uint64_t v);
/* A mode by name, or its number if it has none. */
void dq_json_mode(struct dq_json *j, const char *key, uint32_t mode);

/* One line per event; @name is the VM's name, or "". */
void dq_render_event(FILE *f, const struct dq_event *ev, const char *name);
void dq_render_event_json(FILE *f, const struct dq_event *ev,
			  const char *name);

/* @prev may be NULL; at most @max_rows vCPU rows if not 0. */
void dq_render_top(FILE *f, const struct dq_sample *prev,
		   const struct dq_sample *cur, size_t max_rows);

#endif /* DQ_RENDER_H */
