// The schema of a run config: the sections every run has (run, data, trainer).
// Each method adds its own `method.<name>` section through its schema.
#pragma once
#include "core/config.h"

namespace vds {

// Names of the methods a run can use; the first is the default.
const std::vector<std::string>& methodNames();

// run.*, data.*, trainer.* and method.name.
ConfigSchema baseRunSchema();

}  // namespace vds
