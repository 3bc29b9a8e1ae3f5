// Run configs: a schema of typed fields with defaults, ranges and help text, and a
// validated, fully resolved Config built from a user's YAML. The CLI, the GUI forms
// (tooltips, inline validation) and the Trainer all read the same schema, so the YAML
// the GUI writes is exactly what `vdstudio-cli distill` runs.
#pragma once
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vds {

enum class FieldType { Bool, Int, Float, String, Enum, IntList, FloatList, StringList, Map };

const char* fieldTypeName(FieldType type);

struct FieldSpec {
  std::string path;  // dotted, e.g. "trainer.steps"
  FieldType type = FieldType::String;
  YAML::Node defaultValue;            // null for "no default" (then the field is required)
  std::optional<double> min, max;     // numeric bounds, inclusive; apply to list elements too
  std::vector<std::string> choices;   // Enum only
  std::string help;                   // one or two sentences; shown as a tooltip and in `config defaults`
  std::string specRef;                // e.g. "specs/000 §4.2"; empty when not from a paper
  // Extra check on an already type-checked value: returns an error text, or "" when valid.
  std::function<std::string(const YAML::Node&)> check;
};

class Config;

// Builders for schema fields, so a schema reads as a list of settings.
FieldSpec makeField(std::string path, FieldType type, YAML::Node defaultValue, std::string help,
                    std::string specRef = "");
FieldSpec withRange(FieldSpec field, std::optional<double> min, std::optional<double> max);
// An Enum whose default is the first choice.
FieldSpec makeChoice(std::string path, std::vector<std::string> choices, std::string help, std::string specRef = "");

class ConfigSchema {
 public:
  ConfigSchema& add(FieldSpec field);
  // Adds every field of `other`; a path defined in both is a logic error (throws std::logic_error).
  ConfigSchema& merge(const ConfigSchema& other);

  const FieldSpec* find(const std::string& path) const;
  const std::vector<FieldSpec>& fields() const { return fields_; }

  // Builds a Config from user YAML: unknown keys, wrong types, out-of-range values and
  // missing required fields are ConfigErrors that name `sourceName`, the line and the key,
  // and suggest the nearest valid key for a misspelling. Absent fields take their defaults.
  Config resolve(const YAML::Node& user, const std::string& sourceName) const;
  Config parse(const std::string& yamlText, const std::string& sourceName) const;
  Config load(const std::filesystem::path& file) const;
  Config defaults() const;

  // The closest known key to `key` (edit distance), searched among the children of
  // `parentPath` first and then among all full paths; empty when nothing is close.
  std::string suggest(const std::string& parentPath, const std::string& key) const;

 private:
  bool isSection(const std::string& path) const;
  std::vector<std::string> childKeys(const std::string& parentPath) const;
  std::vector<FieldSpec> fields_;
};

// A resolved config: every schema field has a value that passed validation.
class Config {
 public:
  Config() = default;
  bool has(const std::string& path) const;
  template <typename T>
  T get(const std::string& path) const;
  YAML::Node node(const std::string& path) const;
  // Sets a value after validating it against the field (ConfigError naming the key).
  void set(const std::string& path, const YAML::Node& value);
  template <typename T>
  void set(const std::string& path, const T& value) {
    set(path, YAML::Node(value));
  }

  // Nested YAML of every field in schema order.
  YAML::Node toYaml() const;
  // YAML text; with `withHelp`, each key carries its help text as a comment.
  std::string dump(bool withHelp = false) const;
  const ConfigSchema& schema() const { return *schema_; }

 private:
  friend class ConfigSchema;
  const YAML::Node* find(const std::string& path) const;
  std::vector<std::pair<std::string, YAML::Node>> values_;  // schema order
  std::shared_ptr<const ConfigSchema> schema_;  // a copy, so a Config outlives the schema it came from
};

// YAML text to a node; a syntax error is a ConfigError naming `sourceName` and the line.
YAML::Node parseYaml(const std::string& text, const std::string& sourceName);
// The same for a file; ConfigError naming the file when it cannot be opened.
YAML::Node loadYamlFile(const std::filesystem::path& file);

// A deep copy of `node` in which every number written with 16 or more significant digits
// (how yaml-cpp writes a double: 0.1 becomes 0.10000000000000001) is rewritten as the
// shortest text that reads back as exactly the same double (0.1). Quoted scalars, integers
// and other text are left as they are. Every YAML file the project writes for people to
// read (run configs, package manifests, checkpoint metadata) goes through it.
YAML::Node withShortestNumbers(const YAML::Node& node);

// Levenshtein distance, used for "did you mean" suggestions.
size_t editDistance(const std::string& a, const std::string& b);

}  // namespace vds
