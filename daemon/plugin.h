/* hearsay: loading collector plugins and validating their settings.
 *
 * Main thread (config loading). A loaded plugin stays mapped until the
 * config that loaded it is freed; its descriptor is then used by the fetch
 * thread only.
 */
#ifndef HS_PLUGIN_H
#define HS_PLUGIN_H

#include <hearsay/collector.h>

typedef struct hs_ynode hs_ynode;

/* Find NAME.so in the ':'-separated search path (HEARSAY_COLLECTOR_PATH is
 * searched first), dlopen it and check its descriptor: exported symbol,
 * ABI version, size, name. Errors are reported at node `at`. */
const hs_collector *hs_plugin_load(const char *name, const char *search_path,
                                   const hs_ynode *at, void **dl, hs_errs *errs);
void hs_plugin_unload(void *dl);

/* Every host entry point plugins may call (see plugin.c). */
typedef void (*hs_api_fn)(void);
extern const hs_api_fn hs_plugin_host_api[];

/* Build a plugin's conf from a source mapping: every key must be declared
 * by the plugin or be one of host_keys; values are type-checked; defaults
 * fill the rest; secret files are read unless no_secrets. */
hs_collector_conf *hs_conf_build(const hs_collector *c, const char *source,
                                 const hs_ynode *map, const char *base_dir,
                                 const char *const *host_keys, int no_secrets,
                                 hs_errs *errs);
void hs_conf_free(hs_collector_conf *conf);

#endif
