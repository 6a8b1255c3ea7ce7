/* SPDX-License-Identifier: GPL-2.0 */
/* The vmon release version, shared by the module, library and CLI. */
#define VMON_MODULE_VERSION "0.1.0"
