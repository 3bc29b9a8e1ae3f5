// Where the studio finds its shipped resources (presets, built-in model packages).
#pragma once
#include <filesystem>
#include <string>

namespace vds {

// $VDS_RESOURCES when set; else the source tree's resources/ (a build run in place);
// else the installed share/vdstudio.
std::filesystem::path resourcesDir();

// The default workspace: $XDG_DATA_HOME/vdstudio, else ~/.local/share/vdstudio (ARCHITECTURE §8).
std::filesystem::path defaultWorkspace();

// "builtin:NAME" names a shipped package, resources/models/NAME; anything else is a path.
std::filesystem::path resolveModelPath(const std::string& spec);
// The inverse, for provenance that stays true on another machine: "builtin:NAME" for a
// package under resourcesDir()/models, else the path as given.
std::string modelReference(const std::filesystem::path& path);

}  // namespace vds
