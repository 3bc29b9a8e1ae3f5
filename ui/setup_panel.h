// Run setup: method (from the registry), preset, model-package pickers and a form
// generated from the method's ConfigSchema (a widget per field type, tooltips from the
// field help, validation messages beside each field), with a live view of the YAML the
// run will use. The YAML is the resolved Config's own dump, so `vdstudio-cli train
// --config` (and `distill`) read exactly what the form shows.
#pragma once
#include <QString>
#include <QStringList>
#include <QWidget>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/config.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QVBoxLayout;

namespace vds::ui {

class SetupPanel : public QWidget {
  Q_OBJECT
 public:
  explicit SetupPanel(QWidget* parent = nullptr);
  ~SetupPanel() override;

  QString methodName() const;
  // Rebuilds the form for `method` with its defaults.
  void setMethod(const QString& method);
  // Loads a run config (YAML text): switches method and fills the form. On error the
  // form keeps what it had and `error` explains.
  bool loadYamlText(const QString& yaml, const QString& sourceName, QString* error = nullptr);
  bool loadFile(const QString& file, QString* error = nullptr);
  bool saveFile(const QString& file, QString* error = nullptr) const;
  bool applyPreset(const QString& presetName, QString* error = nullptr);

  // The run config as YAML (field help as comments).
  QString yamlText() const;
  const Config& config() const { return *config_; }
  bool isValid() const { return fieldErrors_.empty(); }
  QStringList errors() const;

  // Sets a field as if typed into its editor (lists and maps as YAML, e.g. "[8, 16]").
  bool setFieldText(const QString& path, const QString& text);
  QString fieldError(const QString& path) const;
  QWidget* editorFor(const QString& path) const;
  // Fields edited as model-package pickers (teacher, base, style model ...).
  QStringList packageFields() const;

 Q_SIGNALS:
  void configChanged();
  void methodChanged(const QString& method);

 private:
  struct Field;
  void buildForm();
  void applyConfig(const Config& config);
  void fieldEdited(Field& field, const QString& text);
  void showFieldValue(Field& field);
  void refreshYaml();
  static bool isPackageField(const FieldSpec& spec);
  // "kind · folder" of a package, or a warning that it is not built yet.
  static QString packageSummary(const QString& spec);

  QComboBox* method_ = nullptr;
  QLabel* methodSummary_ = nullptr;
  QComboBox* preset_ = nullptr;
  QLabel* banner_ = nullptr;
  QWidget* formHost_ = nullptr;
  QVBoxLayout* formLayout_ = nullptr;
  QPlainTextEdit* yaml_ = nullptr;
  std::unique_ptr<Config> config_;
  std::map<std::string, std::unique_ptr<Field>> fields_;
  std::map<std::string, QString> fieldErrors_;
  bool applying_ = false;
};

// YAML flow text of a node ("[8, 16]", "{channels: [8, 16]}"), one line.
QString yamlFlowText(const YAML::Node& node);

}  // namespace vds::ui
