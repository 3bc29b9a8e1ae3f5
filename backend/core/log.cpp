#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "core/errors.h"

namespace vds {

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    if (auto existing = spdlog::get("vds")) return existing;
    auto l = spdlog::stderr_color_mt("vds");
    l->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
    return l;
  }();
  return instance;
}

void setLogLevel(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    throw ConfigError("log level '" + level + "' is not one of trace, debug, info, warn, error, off");
  logger()->set_level(parsed);
}

}  // namespace vds
