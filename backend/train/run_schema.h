// The schema of a run config: the sections every run has (run, data, trainer).
// Each method adds its own `method.<name>` section through its schema.
#pragma once
#include "core/config.h"

namespace vds {

// run.*, data.*, trainer.* and method.name, where method.name must be one of
// `methods` (the first is the default). The method registry passes the methods it has.
ConfigSchema baseRunSchema(const std::vector<std::string>& methods);

}  // namespace vds
