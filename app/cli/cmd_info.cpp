// `vdstudio-cli info`: versions and devices, for bug reports.
#include <cstdio>

#include "cli/cli_common.h"
#include "core/device.h"
#include "core/torch_compat.h"

namespace vds::cli {

void registerInfoCommands(CLI::App& app) {
  auto* info = app.add_subcommand("info", "Print versions and available devices");
  info->callback([] {
    std::printf("vdstudio %s\n", VDS_VERSION);
    std::printf("LibTorch %s\n", compat::torchVersion().c_str());
    std::printf("CUDA available: %s (%d device(s))\n", torch::cuda::is_available() ? "yes" : "no",
                static_cast<int>(torch::cuda::device_count()));
    std::printf("default device: %s\n", describeDevice(parseDevice("auto")).c_str());
  });
}

}  // namespace vds::cli
