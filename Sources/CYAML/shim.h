#ifndef CYAML_SHIM_H
#define CYAML_SHIM_H
#include <yaml.h>
/* Only SimScenarios imports this module. The event API is used directly; nothing to wrap. */
#endif
