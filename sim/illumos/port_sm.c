/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The declared state machine of the event-port model, for `evsim
 * coverage`: which function may set or clear each bit of 'portkev_flags'
 * (the event states: VALID armed, DONEQ queued, FREE discard on dequeue),
 * 'portq_flags' and 'pfop_flags' (reference/ports.md sections 1.3, 1.4 and
 * 1.7), and the lives of ports, event slots and associations.
 */
#include "kernel.h"

const struct sim_sm_rule illumos_sm_rules[] = {
	/* portkev_flags: reference/ports.md section 1.3. */
	{ "portkev", "portkev_flags", "+CACHED", NULL,
	    "port_alloc_event_local" },
	{ "portkev", "portkev_flags", "-CACHED", NULL,
	    "port_free_event_local" },
	{ "portkev", "portkev_flags", "+SCACHED", NULL,
	    "port_alloc_event_local" },
	{ "portkev", "portkev_flags", "-SCACHED", NULL,
	    "port_free_event_local" },
	{ "portkev", "portkev_flags", "+VALID", NULL, "port_associate_fd" },
	{ "portkev", "portkev_flags", "-VALID", NULL, "pollwakeup" },
	{ "portkev", "portkev_flags", "-VALID", NULL, "port_associate_fd" },
	{ "portkev", "portkev_flags", "-VALID", NULL, "port_dissociate_fd" },
	{ "portkev", "portkev_flags", "-VALID", NULL, "port_free_event_local" },
	{ "portkev", "portkev_flags", "+DONEQ", NULL, "port_copy_event" },
	{ "portkev", "portkev_flags", "+DONEQ", NULL, "port_send_event" },
	{ "portkev", "portkev_flags", "-DONEQ", NULL, "port_copy_event" },
	{ "portkev", "portkev_flags", "-DONEQ", NULL, "port_free_event_local" },
	{ "portkev", "portkev_flags", "-DONEQ", NULL,
	    "port_remove_event_doneq" },
	{ "portkev", "portkev_flags", "+FREE", NULL, "port_free_event" },
	/* portq_flags: reference/ports.md section 1.4. */
	{ "port", "portq_flags", "+ALERT", NULL, "port_alert" },
	{ "port", "portq_flags", "-ALERT", NULL, "port_close" },
	{ "port", "portq_flags", "-ALERT", NULL, "port_remove_alert" },
	{ "port", "portq_flags", "+CLOSE", NULL, "port_close" },
	{ "port", "portq_flags", "+WAIT_EVENTS", NULL, "port_getn" },
	{ "port", "portq_flags", "-WAIT_EVENTS", NULL, "port_send_event" },
	{ "port", "portq_flags", "+BLOCKED", NULL, "port_block" },
	{ "port", "portq_flags", "-BLOCKED", NULL, "port_unblock" },
	{ "port", "portq_flags", "+POLLIN", NULL, "port_fo_poll" },
	{ "port", "portq_flags", "-POLLIN", NULL, "port_getn" },
	{ "port", "portq_flags", "-POLLIN", NULL, "port_send_event" },
	{ "port", "portq_flags", "+POLLOUT", NULL, "port_fo_poll" },
	{ "port", "portq_flags", "-POLLOUT", NULL, "port_free_event_local" },
	/* pfop_flags (PORT_SOURCE_FILE watches). */
	{ "portfop", "pfop_flags", "+ACTIVE", NULL, "port_pfp_setup" },
	{ "portfop", "pfop_flags", "+ACTIVE", NULL, "port_associate_fop" },
	{ "portfop", "pfop_flags", "-ACTIVE", NULL, "port_fop_sendevent" },
	{ "portfop", "pfop_flags", "-ACTIVE", NULL, "port_check_timestamp" },
	{ "portfop", "pfop_flags", "-ACTIVE", NULL, "port_remove_fop" },
	{ "portfop", "pfop_flags", "-ACTIVE", NULL, "port_fop_excep" },
	{ "portfop", "pfop_flags", "+KEV_ONQ", NULL, "port_fop_sendevent" },
	{ "portfop", "pfop_flags", "+KEV_ONQ", NULL, "port_check_timestamp" },
	{ "portfop", "pfop_flags", "-KEV_ONQ", NULL, "port_associate_fop" },
	{ "portfop", "pfop_flags", "-KEV_ONQ", NULL, "port_fop_callback" },
	{ "portfop", "pfop_flags", "-KEV_ONQ", NULL, "port_remove_fop" },
	{ "portfop", "pfop_flags", "+REMOVING", NULL, "port_fop_sendevent" },
	{ "portfop", "pfop_flags", "+REMOVING", NULL, "port_fop_trimpfplist" },
	/* Lives of ports, event slots and FD/FILE associations. */
	{ "port", "(life)", "", "created", "port_create" },
	{ "port", "(life)", "created", "freed", "port_fo_close" },
	{ "portkev", "(life)", "", "created", "port_alloc_event_local" },
	{ "portkev", "(life)", "created", "freed", "port_free_event_local" },
	{ "portfd", "(life)", "", "created", "port_associate_fd" },
	{ "portfd", "(life)", "created", "freed", "port_pcache_remove_fd" },
	{ "portfop", "(life)", "", "created", "port_pfp_setup" },
	{ "portfop", "(life)", "created", "freed", "port_pcache_remove_fop" },
	{ NULL, NULL, NULL, NULL, NULL },
};
