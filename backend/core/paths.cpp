#include "core/paths.h"

#include <cstdlib>

namespace vds {

std::filesystem::path resourcesDir() {
  if (const char* env = std::getenv("VDS_RESOURCES"); env && *env) return env;
  const std::filesystem::path source = std::filesystem::path(VDS_SOURCE_DIR) / "resources";
  if (std::filesystem::is_directory(source)) return source;
  return std::filesystem::path(VDS_DATA_DIR);
}

std::filesystem::path defaultWorkspace() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "vdstudio";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".local" / "share" / "vdstudio";
  return std::filesystem::temp_directory_path() / "vdstudio";
}

std::filesystem::path resolveModelPath(const std::string& spec) {
  static const std::string kBuiltin = "builtin:";
  if (spec.rfind(kBuiltin, 0) == 0) return resourcesDir() / "models" / spec.substr(kBuiltin.size());
  return spec;
}

std::string modelReference(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path models = std::filesystem::weakly_canonical(resourcesDir() / "models", ec);
  const std::filesystem::path full = std::filesystem::weakly_canonical(path, ec);
  if (!ec) {
    const std::filesystem::path relative = full.lexically_relative(models);
    if (!relative.empty() && *relative.begin() != ".." && relative != ".") return "builtin:" + relative.generic_string();
  }
  return path.string();
}

}  // namespace vds
