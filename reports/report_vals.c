/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How the text and Markdown reports show a transition's old and new values.
 * The trace writes both "no value yet" and the empty flag set as the empty
 * string; a person must tell them apart.  An empty old value is "no
 * previous value" ("(none)") for an object's "(life)" row and for the first
 * change of a field made by the function that created the object, right
 * when the object came to be.  Otherwise an empty value is read by what the
 * field holds elsewhere in the run: flag names ("ACTIVE|QUEUED") make it
 * the empty flag set ("(no flags)"), object names ("file#3") make it no
 * object ("(none)"); in a field that no change ever empties, an empty old
 * value is no previous value ("(none)"); anything else is the empty string
 * ("\"\"").  Rows that
 * change nothing (old equals new) are no-ops, left out of the reports'
 * object histories.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

#define VAL_OLD_ABSENT REPORT_VAL_OLD_ABSENT
#define VAL_FLAGS REPORT_VAL_FLAGS
#define VAL_REF REPORT_VAL_REF
#define VAL_NEVER_EMPTY REPORT_VAL_NEVER_EMPTY

/* Whether s is one or more flag names joined by '|' ("ACTIVE|QUEUED"). */
static bool
flag_like(const char *s)
{
	bool start = true;

	if (*s == '\0')
		return (false);
	for (; *s != '\0'; s++) {
		if (*s == '|') {
			if (start)
				return (false);
			start = true;
		} else if ((*s >= 'A' && *s <= 'Z') || *s == '_'
		    || (!start && *s >= '0' && *s <= '9'))
			start = false;
		else
			return (false);
	}
	return (!start);
}

/* The length of the kind part of an object name ("knote" of "knote#2"). */
static size_t
kind_len(const char *name)
{
	return (strcspn(name, "#"));
}

static const struct report_run *sort_run;

static int
by_kind_field(const void *x, const void *y)
{
	const struct report_tr *a = &sort_run->tr[*(const size_t *)x];
	const struct report_tr *b = &sort_run->tr[*(const size_t *)y];
	size_t ka = kind_len(a->object), kb = kind_len(b->object);
	int c = memcmp(a->object, b->object, ka < kb ? ka : kb);

	if (c != 0)
		return (c);
	if (ka != kb)
		return (ka < kb ? -1 : 1);
	if ((c = strcmp(a->field, b->field)) != 0)
		return (c);
	return (*(const size_t *)x < *(const size_t *)y ? -1 : 1);
}

unsigned
report_val_seen(const char *old, const char *new)
{
	unsigned seen = 0;

	if (flag_like(old) || flag_like(new))
		seen |= VAL_FLAGS;
	if (strchr(old, '#') != NULL || strchr(new, '#') != NULL)
		seen |= VAL_REF;
	if (new[0] == '\0')
		seen |= REPORT_VAL_EMPTIED;
	return (seen);
}

unsigned char
report_val_class(unsigned seen)
{
	return ((unsigned char)((seen & (VAL_FLAGS | VAL_REF))
	    | ((seen & REPORT_VAL_EMPTIED) != 0 ? 0 : VAL_NEVER_EMPTY)));
}

int
report_vals_init(const struct report_run *r, struct report_vals *v)
{
	size_t *ix, i, j, k, g;

	memset(v, 0, sizeof(*v));
	if ((v->bits = calloc(r->ntr + 1, 1)) == NULL)
		return (ENOMEM);
	if (r->vbits != NULL) {
		/* Classified from the whole run when it was streamed. */
		if (r->ntr > 0)
			memcpy(v->bits, r->vbits, r->ntr);
		return (0);
	}
	if ((ix = malloc((r->ntr + 1) * sizeof(*ix))) == NULL) {
		free(v->bits);
		v->bits = NULL;
		return (ENOMEM);
	}
	/* The class of each (kind, field), from all its values. */
	for (i = 0; i < r->ntr; i++)
		ix[i] = i;
	sort_run = r;
	if (r->ntr > 1)
		qsort(ix, r->ntr, sizeof(*ix), by_kind_field);
	sort_run = NULL;
	for (i = 0; i < r->ntr; i = j) {
		unsigned char cls = VAL_NEVER_EMPTY;

		for (j = i; j < r->ntr; j++) {
			const struct report_tr *a = &r->tr[ix[i]];
			const struct report_tr *b = &r->tr[ix[j]];

			if (kind_len(a->object) != kind_len(b->object)
			    || memcmp(a->object, b->object, kind_len(a->object))
				!= 0
			    || strcmp(a->field, b->field) != 0)
				break;
			if (flag_like(b->old) || flag_like(b->new))
				cls |= VAL_FLAGS;
			if (strchr(b->old, '#') != NULL
			    || strchr(b->new, '#') != NULL)
				cls |= VAL_REF;
			if (b->new[0] == '\0')
				cls &= ~VAL_NEVER_EMPTY;
		}
		for (k = i; k < j; k++)
			v->bits[ix[k]] |= cls;
	}
	free(ix);
	/* First changes of a field by the function that made the object. */
	for (i = 0; i < r->nobj; i++) {
		const struct report_obj *o = &r->obj[i];
		const char *made = NULL;

		for (j = 0; j < o->n; j++) {
			const struct report_tr *t = &r->tr[o->idx[j]];

			if (strcmp(t->field, "(life)") == 0) {
				v->bits[o->idx[j]] |= VAL_OLD_ABSENT;
				if (strcmp(t->new, "created") == 0)
					made = t->func;
				continue;
			}
			if (made == NULL || strcmp(t->func, made) != 0
			    || t->old[0] != '\0')
				continue;
			for (g = 0; g < j; g++)
				if (strcmp(r->tr[o->idx[g]].field, t->field)
				    == 0)
					break;
			if (g == j)
				v->bits[o->idx[j]] |= VAL_OLD_ABSENT;
		}
	}
	return (0);
}

void
report_vals_free(struct report_vals *v)
{
	free(v->bits);
	v->bits = NULL;
}

const char *
report_val_show(
    const struct report_run *r, const struct report_vals *v, size_t i, bool new)
{
	const struct report_tr *t = &r->tr[i];
	const char *s = new ? t->new : t->old;
	unsigned char b = v->bits != NULL ? v->bits[i] : 0;

	if (s[0] != '\0')
		return (s);
	if (!new && (b & VAL_OLD_ABSENT))
		return ("(none)");
	if (b & VAL_FLAGS)
		return ("(no flags)");
	if (b & VAL_REF)
		return ("(none)");
	/* A field that is never emptied had no value before. */
	if (!new && (b & VAL_NEVER_EMPTY))
		return ("(none)");
	return ("\"\"");
}

bool
report_tr_noop(const struct report_tr *t)
{
	return (!report_tr_is_event(t) && strcmp(t->field, "(life)") != 0
	    && strcmp(t->old, t->new) == 0);
}

const char *
report_obj_label(const struct report_run *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nobj; i++)
		if (strcmp(r->obj[i].name, name) == 0)
			return (r->obj[i].label);
	return (NULL);
}
