#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/errors.h"

namespace vds {
namespace {

// Suggestions farther than this many edits are noise rather than help.
constexpr size_t kMaxSuggestionDistance = 3;

std::string where(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1);
}

std::string parentOf(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

std::string lastComponent(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string joinPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

bool parseInt(const std::string& text, long long& out) {
  if (text.empty()) return false;
  size_t used = 0;
  try {
    out = std::stoll(text, &used, 10);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

bool parseFloat(const std::string& text, double& out) {
  if (text.empty()) return false;
  size_t used = 0;
  try {
    out = std::stod(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size() && std::isfinite(out);
}

std::string joinChoices(const std::vector<std::string>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + choices[i];
  return out;
}

std::string formatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// Checks one scalar against a numeric/enum field; returns the normalised node or throws.
YAML::Node checkScalar(const FieldSpec& field, FieldType type, const YAML::Node& value, const std::string& at) {
  const std::string key = "'" + field.path + "'";
  if (!value.IsScalar())
    throw ConfigError(at + ": " + key + " expects " + fieldTypeName(type) + ", got a " +
                      (value.IsMap() ? "map" : value.IsSequence() ? "list" : "null"));
  const std::string text = value.Scalar();
  auto checkRange = [&](double v) {
    if (field.min && v < *field.min)
      throw ConfigError(at + ": " + key + " = " + text + " is below the minimum " + formatNumber(*field.min));
    if (field.max && v > *field.max)
      throw ConfigError(at + ": " + key + " = " + text + " is above the maximum " + formatNumber(*field.max));
  };
  switch (type) {
    case FieldType::Bool: {
      bool b = false;
      if (!YAML::convert<bool>::decode(value, b))
        throw ConfigError(at + ": " + key + " expects true or false, got '" + text + "'");
      return YAML::Node(b);
    }
    case FieldType::Int: {
      long long v = 0;
      if (!parseInt(text, v)) throw ConfigError(at + ": " + key + " expects an integer, got '" + text + "'");
      checkRange(static_cast<double>(v));
      return YAML::Node(v);
    }
    case FieldType::Float: {
      double v = 0;
      if (!parseFloat(text, v)) throw ConfigError(at + ": " + key + " expects a finite number, got '" + text + "'");
      checkRange(v);
      return YAML::Node(v);
    }
    case FieldType::Enum:
      if (std::find(field.choices.begin(), field.choices.end(), text) == field.choices.end())
        throw ConfigError(at + ": " + key + " = '" + text + "' is not one of: " + joinChoices(field.choices));
      return YAML::Node(text);
    default:
      return YAML::Node(text);
  }
}

YAML::Node checkValue(const FieldSpec& field, const YAML::Node& value, const std::string& at) {
  YAML::Node out;
  switch (field.type) {
    case FieldType::IntList:
    case FieldType::FloatList:
    case FieldType::StringList: {
      if (!value.IsSequence())
        throw ConfigError(at + ": '" + field.path + "' expects " + fieldTypeName(field.type) + ", e.g. [1, 2]");
      const FieldType element = field.type == FieldType::IntList     ? FieldType::Int
                                : field.type == FieldType::FloatList ? FieldType::Float
                                                                     : FieldType::String;
      out = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& item : value) out.push_back(checkScalar(field, element, item, at));
      break;
    }
    case FieldType::Map:
      if (!value.IsMap() && !value.IsNull())
        throw ConfigError(at + ": '" + field.path + "' expects a map of settings");
      out = value.IsNull() ? YAML::Node(YAML::NodeType::Map) : YAML::Clone(value);
      break;
    default:
      out = checkScalar(field, field.type, value, at);
  }
  if (field.check) {
    const std::string problem = field.check(out);
    if (!problem.empty()) throw ConfigError(at + ": '" + field.path + "': " + problem);
  }
  return out;
}

void insertNested(YAML::Node& root, const std::string& path, const YAML::Node& value) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) {
    root[path] = value;
    return;
  }
  YAML::Node child = root[path.substr(0, dot)];
  insertNested(child, path.substr(dot + 1), value);
}

void emitTree(YAML::Emitter& out, const Config& config, const std::vector<FieldSpec>& fields,
              const std::string& prefix, bool withHelp) {
  out << YAML::BeginMap;
  std::vector<std::string> emittedSections;
  for (const auto& field : fields) {
    if (!prefix.empty() && field.path.rfind(prefix + ".", 0) != 0) continue;
    const std::string rest = prefix.empty() ? field.path : field.path.substr(prefix.size() + 1);
    const auto dot = rest.find('.');
    if (dot == std::string::npos) {
      out << YAML::Key << rest << YAML::Value << withShortestNumbers(config.node(field.path));
      if (withHelp && !field.help.empty())
        out << YAML::Comment(field.help + (field.specRef.empty() ? "" : " (" + field.specRef + ")"));
      continue;
    }
    const std::string section = rest.substr(0, dot);
    if (std::find(emittedSections.begin(), emittedSections.end(), section) != emittedSections.end()) continue;
    emittedSections.push_back(section);
    out << YAML::Key << section << YAML::Value;
    emitTree(out, config, fields, joinPath(prefix, section), withHelp);
  }
  out << YAML::EndMap;
}

// The scalar rewritten as in withShortestNumbers, or itself.
std::string shortestNumberText(const std::string& text) {
  constexpr int kDoubleWriterDigits = 16;  // fewer significant digits: written by hand, keep
  if (text.find_first_of(".eE") == std::string::npos) return text;  // an integer (a seed, a count)
  int digits = 0;
  for (char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c >= '0' && c <= '9' && (digits > 0 || c != '0')) ++digits;
  }
  if (digits < kDoubleWriterDigits) return text;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto parsed = std::from_chars(text.data(), end, value);
  if (parsed.ec != std::errc() || parsed.ptr != end || !std::isfinite(value)) return text;
  char buffer[64];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (written.ec != std::errc()) return text;
  std::string shortest(buffer, written.ptr);
  // Keep it a float to a reader: "3" would read back as an integer.
  if (shortest.find_first_of(".eE") == std::string::npos) shortest += ".0";
  return shortest;
}

}  // namespace

YAML::Node withShortestNumbers(const YAML::Node& node) {
  if (!node || !node.IsDefined()) return node;
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      YAML::Node out = YAML::Clone(node);
      if (node.Tag() != "!") out = shortestNumberText(node.Scalar());  // "!": a quoted string
      return out;
    }
    case YAML::NodeType::Sequence: {
      YAML::Node out(YAML::NodeType::Sequence);
      out.SetStyle(node.Style());
      for (const auto& item : node) out.push_back(withShortestNumbers(item));
      return out;
    }
    case YAML::NodeType::Map: {
      YAML::Node out(YAML::NodeType::Map);
      out.SetStyle(node.Style());
      for (const auto& item : node) out[YAML::Clone(item.first)] = withShortestNumbers(item.second);
      return out;
    }
    default:
      return YAML::Clone(node);
  }
}

const char* fieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::Bool: return "a boolean";
    case FieldType::Int: return "an integer";
    case FieldType::Float: return "a number";
    case FieldType::String: return "a string";
    case FieldType::Enum: return "one of a fixed set of names";
    case FieldType::IntList: return "a list of integers";
    case FieldType::FloatList: return "a list of numbers";
    case FieldType::StringList: return "a list of strings";
    case FieldType::Map: return "a map";
  }
  return "a value";
}

FieldSpec makeField(std::string path, FieldType type, YAML::Node defaultValue, std::string help, std::string specRef) {
  FieldSpec f;
  f.path = std::move(path);
  f.type = type;
  f.defaultValue = std::move(defaultValue);
  f.help = std::move(help);
  f.specRef = std::move(specRef);
  return f;
}

FieldSpec withRange(FieldSpec field, std::optional<double> min, std::optional<double> max) {
  field.min = min;
  field.max = max;
  return field;
}

FieldSpec makeChoice(std::string path, std::vector<std::string> choices, std::string help, std::string specRef) {
  FieldSpec f = makeField(std::move(path), FieldType::Enum, YAML::Node(choices.front()), std::move(help), std::move(specRef));
  f.choices = std::move(choices);
  return f;
}

size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

ConfigSchema& ConfigSchema::add(FieldSpec field) {
  if (find(field.path)) throw std::logic_error("config schema defines '" + field.path + "' twice");
  if (field.type == FieldType::Enum && field.choices.empty())
    throw std::logic_error("config schema enum '" + field.path + "' has no choices");
  if (field.defaultValue && !field.defaultValue.IsNull())
    field.defaultValue = checkValue(field, field.defaultValue, "schema default");
  fields_.push_back(std::move(field));
  return *this;
}

ConfigSchema& ConfigSchema::merge(const ConfigSchema& other) {
  for (const auto& f : other.fields_) add(f);
  return *this;
}

const FieldSpec* ConfigSchema::find(const std::string& path) const {
  for (const auto& f : fields_)
    if (f.path == path) return &f;
  return nullptr;
}

bool ConfigSchema::isSection(const std::string& path) const {
  const std::string prefix = path + ".";
  return std::any_of(fields_.begin(), fields_.end(), [&](const FieldSpec& f) { return f.path.rfind(prefix, 0) == 0; });
}

std::vector<std::string> ConfigSchema::childKeys(const std::string& parentPath) const {
  std::vector<std::string> keys;
  const std::string prefix = parentPath.empty() ? "" : parentPath + ".";
  for (const auto& f : fields_) {
    if (f.path.rfind(prefix, 0) != 0) continue;
    const std::string rest = f.path.substr(prefix.size());
    const std::string key = rest.substr(0, rest.find('.'));
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

std::string ConfigSchema::suggest(const std::string& parentPath, const std::string& key) const {
  std::string best;
  size_t bestDistance = kMaxSuggestionDistance + 1;
  for (const auto& sibling : childKeys(parentPath)) {
    const size_t d = editDistance(key, sibling);
    if (d < bestDistance) bestDistance = d, best = joinPath(parentPath, sibling);
  }
  if (!best.empty()) return best;
  // A key placed under the wrong section: match its last component anywhere.
  for (const auto& f : fields_) {
    const size_t d = editDistance(key, lastComponent(f.path));
    if (d < bestDistance) bestDistance = d, best = f.path;
  }
  return best;
}

Config ConfigSchema::resolve(const YAML::Node& user, const std::string& sourceName) const {
  Config config;
  config.schema_ = std::make_shared<const ConfigSchema>(*this);
  std::vector<std::pair<std::string, YAML::Node>> given;

  std::function<void(const YAML::Node&, const std::string&)> walk = [&](const YAML::Node& map, const std::string& prefix) {
    for (const auto& entry : map) {
      const std::string at = where(sourceName, entry.first.Mark());
      if (!entry.first.IsScalar()) throw ConfigError(at + ": keys must be plain names");
      const std::string key = entry.first.Scalar();
      const std::string path = joinPath(prefix, key);
      for (const auto& seen : given)
        if (seen.first == path) throw ConfigError(at + ": '" + path + "' is given twice");
      if (const FieldSpec* field = find(path)) {
        given.emplace_back(path, checkValue(*field, entry.second, at));
      } else if (isSection(path)) {
        if (!entry.second.IsMap() && !entry.second.IsNull())
          throw ConfigError(at + ": '" + path + "' is a section and expects a map of settings");
        if (entry.second.IsMap()) walk(entry.second, path);
      } else {
        const std::string hint = suggest(prefix, key);
        throw ConfigError(at + ": unknown key '" + path + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      }
    }
  };
  if (user && !user.IsNull()) {
    if (!user.IsMap()) throw ConfigError(where(sourceName, user.Mark()) + ": a run config must be a map of settings");
    walk(user, "");
  }

  for (const auto& field : fields_) {
    auto it = std::find_if(given.begin(), given.end(), [&](const auto& g) { return g.first == field.path; });
    if (it != given.end()) {
      config.values_.emplace_back(field.path, it->second);
    } else if (field.defaultValue && !field.defaultValue.IsNull()) {
      config.values_.emplace_back(field.path, YAML::Clone(field.defaultValue));
    } else {
      throw ConfigError(sourceName + ": required setting '" + field.path + "' is missing" +
                        (field.help.empty() ? "" : " (" + field.help + ")"));
    }
  }
  return config;
}

YAML::Node parseYaml(const std::string& text, const std::string& sourceName) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(where(sourceName, e.mark) + ": YAML syntax error: " + e.msg);
  }
}

YAML::Node loadYamlFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError("cannot open config file '" + file.string() + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parseYaml(text.str(), file.string());
}

Config ConfigSchema::parse(const std::string& yamlText, const std::string& sourceName) const {
  return resolve(parseYaml(yamlText, sourceName), sourceName);
}

Config ConfigSchema::load(const std::filesystem::path& file) const { return resolve(loadYamlFile(file), file.string()); }

Config ConfigSchema::defaults() const { return resolve(YAML::Node(), "defaults"); }

const YAML::Node* Config::find(const std::string& path) const {
  for (const auto& [p, v] : values_)
    if (p == path) return &v;
  return nullptr;
}

bool Config::has(const std::string& path) const { return find(path) != nullptr; }

YAML::Node Config::node(const std::string& path) const {
  const YAML::Node* v = find(path);
  if (!v) throw ConfigError("config has no setting '" + path + "'");
  return *v;
}

template <typename T>
T Config::get(const std::string& path) const {
  const YAML::Node v = node(path);
  try {
    return v.as<T>();
  } catch (const YAML::Exception&) {
    throw ConfigError("config setting '" + path + "' cannot be read as the requested type");
  }
}

template bool Config::get<bool>(const std::string&) const;
template int Config::get<int>(const std::string&) const;
template int64_t Config::get<int64_t>(const std::string&) const;
template uint64_t Config::get<uint64_t>(const std::string&) const;
template double Config::get<double>(const std::string&) const;
template float Config::get<float>(const std::string&) const;
template std::string Config::get<std::string>(const std::string&) const;
template std::vector<int> Config::get<std::vector<int>>(const std::string&) const;
template std::vector<int64_t> Config::get<std::vector<int64_t>>(const std::string&) const;
template std::vector<double> Config::get<std::vector<double>>(const std::string&) const;
template std::vector<std::string> Config::get<std::vector<std::string>>(const std::string&) const;

void Config::set(const std::string& path, const YAML::Node& value) {
  if (!schema_) throw ConfigError("cannot set '" + path + "' on an empty config");
  const FieldSpec* field = schema_->find(path);
  if (!field) {
    const std::string hint = schema_->suggest(parentOf(path), lastComponent(path));
    throw ConfigError("unknown key '" + path + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
  const YAML::Node checked = checkValue(*field, value, "setting");
  for (auto& [p, v] : values_)
    if (p == path) v = checked;
}

YAML::Node Config::toYaml() const {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& [path, value] : values_) insertNested(root, path, YAML::Clone(value));
  return root;
}

std::string Config::dump(bool withHelp) const {
  YAML::Emitter out;
  out.SetSeqFormat(YAML::Flow);
  if (schema_) emitTree(out, *this, schema_->fields(), "", withHelp);
  return std::string(out.c_str()) + "\n";
}

}  // namespace vds
