// Reading and writing the `architecture` section of a model package's model.yaml.
// Every model's Options::fromYaml goes through OptionsReader, so that all of them treat
// absent keys (the default), wrong types and unknown keys (ConfigError naming the key)
// the same way.
#pragma once
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

#include "core/errors.h"

namespace vds {

class OptionsReader {
 public:
  // `section` names the node in messages, e.g. "image_unet" or "video_unet.spatial".
  OptionsReader(const YAML::Node& node, std::string section) : node_(node), section_(std::move(section)) {
    if (node_ && !node_.IsNull() && !node_.IsMap())
      throw ConfigError("architecture '" + section_ + "' must be a map of options");
  }

  // Reads `key` into `out` when present; `out` keeps its default otherwise.
  template <typename T>
  OptionsReader& read(const std::string& key, T& out) {
    known_.insert(key);
    const YAML::Node value = child(key);
    if (!value || value.IsNull()) return *this;  // absent or `key: ~`: keep the default
    try {
      out = value.as<T>();
    } catch (const YAML::Exception&) {
      throw ConfigError("architecture '" + section_ + "': key '" + key + "' has the wrong type (line " +
                        std::to_string(value.Mark().line + 1) + ")");
    }
    return *this;
  }

  // The child node of a nested options struct (null when absent); the key counts as known.
  YAML::Node nested(const std::string& key) {
    known_.insert(key);
    return child(key);
  }

  std::string path(const std::string& key) const { return section_ + "." + key; }

  // Throws ConfigError naming the first key that no read() or nested() asked for.
  void rejectUnknown() const {
    if (!node_ || !node_.IsMap()) return;
    for (const auto& entry : node_) {
      const std::string key = entry.first.as<std::string>();
      if (known_.count(key)) continue;
      std::string valid;
      for (const auto& k : known_) valid += (valid.empty() ? "" : ", ") + k;
      throw ConfigError("unknown key '" + key + "' in architecture '" + section_ + "' (line " +
                        std::to_string(entry.first.Mark().line + 1) + "; valid keys: " + valid + ")");
    }
  }

 private:
  YAML::Node child(const std::string& key) const {
    if (!node_ || !node_.IsMap()) return YAML::Node();
    return node_[key];
  }
  YAML::Node node_;
  std::string section_;
  std::set<std::string> known_;
};

// A flow-style list, so that `channel_mults: [1, 2]` stays on one line in model.yaml.
template <typename T>
YAML::Node yamlList(const std::vector<T>& values) {
  YAML::Node node(YAML::NodeType::Sequence);
  for (const auto& v : values) node.push_back(v);
  node.SetStyle(YAML::EmitterStyle::Flow);
  return node;
}

// Throws ConfigError "architecture '<section>': <key> <what>" unless `ok`.
inline void requireOption(bool ok, const std::string& section, const std::string& key, const std::string& what) {
  if (!ok) throw ConfigError("architecture '" + section + "': '" + key + "' " + what);
}

}  // namespace vds
