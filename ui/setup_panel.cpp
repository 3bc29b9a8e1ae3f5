#include "ui/setup_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTextStream>
#include <QVBoxLayout>

#include <climits>
#include <fstream>

#include "core/config.h"
#include "core/errors.h"
#include "ui/studio_catalog.h"

namespace vds::ui {
namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

std::string sectionOf(const std::string& path) {
  // method.<name>.key belongs to the method's own section; others to their first part.
  if (path.rfind("method.", 0) == 0 && path != "method.name") {
    const auto second = path.find('.', 7);
    return second == std::string::npos ? "method" : path.substr(0, second);
  }
  return path.substr(0, path.find('.'));
}

std::string lastPart(const std::string& path) { return path.substr(path.rfind('.') + 1); }

}  // namespace

QString yamlFlowText(const YAML::Node& node) {
  if (!node || node.IsNull()) return {};
  if (node.IsScalar()) return qs(node.Scalar());
  YAML::Emitter out;
  out.SetSeqFormat(YAML::Flow);
  out.SetMapFormat(YAML::Flow);
  out << withShortestNumbers(node);
  return qs(out.c_str());
}

struct SetupPanel::Field {
  FieldSpec spec;
  QWidget* editor = nullptr;
  QLabel* message = nullptr;
  QLabel* packageInfo = nullptr;  // package pickers: what the chosen package is
  std::function<void(const QString&)> show;  // puts a value into the editor
};

SetupPanel::SetupPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("&Method")));
  method_ = new QComboBox;
  for (const auto& m : methodEntries()) {
    method_->addItem(m.name);
    method_->setItemData(method_->count() - 1, m.summary, Qt::ToolTipRole);
  }
  qobject_cast<QLabel*>(top->itemAt(0)->widget())->setBuddy(method_);
  top->addWidget(method_);
  methodSummary_ = new QLabel;
  top->addWidget(methodSummary_, 1);
  top->addWidget(new QLabel(tr("Preset")));
  preset_ = new QComboBox;
  preset_->addItem(tr("(choose a preset)"));
  for (const auto& p : presets()) preset_->addItem(p.name, p.file);
  top->addWidget(preset_);
  auto* load = new QPushButton(tr("&Load…"));
  auto* save = new QPushButton(tr("Sa&ve…"));
  auto* reset = new QPushButton(tr("Defaults"));
  top->addWidget(load);
  top->addWidget(save);
  top->addWidget(reset);
  layout->addLayout(top);

  banner_ = new QLabel;
  banner_->setWordWrap(true);
  banner_->setStyleSheet(QStringLiteral("color: #b00020"));
  banner_->setVisible(false);
  layout->addWidget(banner_);

  auto* split = new QSplitter(Qt::Horizontal);
  auto* scroll = new QScrollArea;
  scroll->setWidgetResizable(true);
  formHost_ = new QWidget;
  formLayout_ = new QVBoxLayout(formHost_);
  scroll->setWidget(formHost_);
  split->addWidget(scroll);
  auto* yamlBox = new QGroupBox(tr("Run config (YAML, as vdstudio-cli reads it)"));
  auto* yamlLayout = new QVBoxLayout(yamlBox);
  yaml_ = new QPlainTextEdit;
  yaml_->setReadOnly(true);
  yaml_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  yamlLayout->addWidget(yaml_);
  split->addWidget(yamlBox);
  scroll->setMinimumWidth(460);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setSizes({640, 480});
  layout->addWidget(split, 1);

  connect(method_, &QComboBox::currentTextChanged, this, [this](const QString& m) {
    if (!applying_) setMethod(m);
  });
  connect(preset_, &QComboBox::activated, this, [this](int index) {
    if (index <= 0) return;
    QString error;
    if (!applyPreset(preset_->itemText(index), &error)) {
      banner_->setText(error);
      banner_->setVisible(true);
    }
  });
  connect(load, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Load run config"), {}, tr("YAML (*.yaml *.yml)"));
    QString error;
    if (!file.isEmpty() && !loadFile(file, &error)) {
      banner_->setText(error);
      banner_->setVisible(true);
    }
  });
  connect(save, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getSaveFileName(this, tr("Save run config"), {}, tr("YAML (*.yaml)"));
    QString error;
    if (!file.isEmpty() && !saveFile(file, &error)) {
      banner_->setText(error);
      banner_->setVisible(true);
    }
  });
  connect(reset, &QPushButton::clicked, this, [this] { setMethod(methodName()); });

  if (method_->count() > 0) setMethod(method_->itemText(0));
}

SetupPanel::~SetupPanel() = default;

QString SetupPanel::methodName() const { return method_->currentText(); }

bool SetupPanel::isPackageField(const FieldSpec& spec) {
  if (spec.type != FieldType::String || spec.path.rfind("method.", 0) != 0) return false;
  const std::string name = lastPart(spec.path);
  const bool builtinDefault = spec.defaultValue && spec.defaultValue.IsScalar() &&
                              spec.defaultValue.Scalar().rfind("builtin:", 0) == 0;
  return builtinDefault || name.find("teacher") != std::string::npos || name.find("package") != std::string::npos ||
         name == "base" || name == "style_model" || name == "student_init";
}

void SetupPanel::setMethod(const QString& method) {
  QString error;
  if (!loadYamlText(QStringLiteral("method:\n  name: %1\n").arg(method), tr("defaults"), &error)) {
    banner_->setText(error);
    banner_->setVisible(true);
  }
}

bool SetupPanel::loadYamlText(const QString& yaml, const QString& sourceName, QString* error) {
  try {
    Config config = resolveRunYaml(yaml.toStdString(), sourceName.toStdString());
    applyConfig(config);
    banner_->setVisible(false);
    return true;
  } catch (const std::exception& e) {
    if (error) *error = qs(e.what());
    return false;
  }
}

bool SetupPanel::loadFile(const QString& file, QString* error) {
  QFile f(file);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
    if (error) *error = tr("cannot read %1").arg(file);
    return false;
  }
  return loadYamlText(QString::fromUtf8(f.readAll()), file, error);
}

bool SetupPanel::saveFile(const QString& file, QString* error) const {
  if (!isValid()) {
    if (error) *error = tr("fix the invalid fields first: %1").arg(errors().join(QStringLiteral("; ")));
    return false;
  }
  QFile f(file);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text | QIODevice::Truncate)) {
    if (error) *error = tr("cannot write %1").arg(file);
    return false;
  }
  f.write(yamlText().toUtf8());
  return true;
}

bool SetupPanel::applyPreset(const QString& presetName, QString* error) {
  for (const auto& p : presets())
    if (p.name == presetName) return loadFile(p.file, error);
  if (error) *error = tr("no preset named %1").arg(presetName);
  return false;
}

void SetupPanel::applyConfig(const Config& config) {
  applying_ = true;
  const QString method = qs(config.get<std::string>("method.name"));
  const bool rebuild = !config_ || method != methodName() || fields_.empty();
  config_ = std::make_unique<Config>(config);
  method_->setCurrentText(method);
  for (const auto& m : methodEntries())
    if (m.name == method) methodSummary_->setText(m.summary);
  if (rebuild) buildForm();
  fieldErrors_.clear();
  for (auto& [path, field] : fields_) {
    field->message->clear();
    showFieldValue(*field);
  }
  applying_ = false;
  refreshYaml();
  if (rebuild) Q_EMIT methodChanged(method);
}

void SetupPanel::buildForm() {
  while (QLayoutItem* item = formLayout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  fields_.clear();
  std::map<std::string, QFormLayout*> sections;
  std::vector<std::string> order;
  const auto formFor = [&](const std::string& section, const QString& title) {
    auto& form = sections[section];
    if (!form) {
      auto* box = new QGroupBox(title);
      form = new QFormLayout(box);
      form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
      formLayout_->addWidget(box);
    }
    return form;
  };
  // Model packages (teacher, style model, base ...) first: they decide whether a run can start.
  std::vector<const FieldSpec*> packageSpecs, otherSpecs;
  for (const auto& spec : config_->schema().fields())
    (isPackageField(spec) ? packageSpecs : otherSpecs).push_back(&spec);
  if (!packageSpecs.empty()) formFor("models", tr("Model packages"));
  for (const auto* specs : {&packageSpecs, &otherSpecs})
    for (const FieldSpec* spec : *specs) {
      if (spec->path == "method.name") continue;  // the method combo above
      const std::string section = specs == &packageSpecs ? "models" : sectionOf(spec->path);
      QFormLayout* form = formFor(section, qs(section));
      auto field = std::make_unique<Field>();
      field->spec = *spec;
      Field* f = field.get();
      QString tip = qs(spec->help);
      if (!spec->specRef.empty()) tip += QStringLiteral(" (%1)").arg(qs(spec->specRef));
      tip += QStringLiteral("\n%1 · %2").arg(qs(spec->path), QString::fromLatin1(fieldTypeName(spec->type)));
      if (spec->min || spec->max)
        tip += tr(" · range %1 … %2")
                   .arg(spec->min ? QString::number(*spec->min) : QStringLiteral("−∞"))
                   .arg(spec->max ? QString::number(*spec->max) : QStringLiteral("∞"));
      auto* cell = new QWidget;
      auto* cellLayout = new QVBoxLayout(cell);
      cellLayout->setContentsMargins(0, 0, 0, 0);
      cellLayout->setSpacing(1);
      if (spec->type == FieldType::Bool) {
        auto* box = new QCheckBox;
        connect(box, &QCheckBox::toggled, this, [this, f](bool on) {
          fieldEdited(*f, on ? QStringLiteral("true") : QStringLiteral("false"));
        });
        f->show = [box](const QString& v) { box->setChecked(v == QLatin1String("true")); };
        f->editor = box;
      } else if (spec->type == FieldType::Enum) {
        auto* box = new QComboBox;
        for (const auto& c : spec->choices) box->addItem(qs(c));
        connect(box, &QComboBox::currentTextChanged, this, [this, f](const QString& v) { fieldEdited(*f, v); });
        f->show = [box](const QString& v) { box->setCurrentText(v); };
        f->editor = box;
      } else if (spec->type == FieldType::Int) {
        auto* box = new QSpinBox;
        box->setRange(spec->min ? static_cast<int>(std::max<double>(*spec->min, INT_MIN)) : INT_MIN,
                      spec->max ? static_cast<int>(std::min<double>(*spec->max, INT_MAX)) : INT_MAX);
        box->setGroupSeparatorShown(false);
        connect(box, &QSpinBox::valueChanged, this, [this, f](int v) { fieldEdited(*f, QString::number(v)); });
        f->show = [box](const QString& v) { box->setValue(v.toInt()); };
        f->editor = box;
      } else if (isPackageField(*spec)) {
        auto* row = new QWidget;
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        auto* box = new QComboBox;
        box->setEditable(true);
        for (const auto& p : shippedPackages()) {
          box->addItem(p.spec);
          const int i = box->count() - 1;
          box->setItemData(i, p.present ? tr("%1 (%2)").arg(p.name, p.kind) : tr("not built yet"), Qt::ToolTipRole);
          if (!p.present) box->setItemData(i, palette().color(QPalette::PlaceholderText), Qt::ForegroundRole);
        }
        auto* browse = new QPushButton(tr("Browse…"));
        rowLayout->addWidget(box, 1);
        rowLayout->addWidget(browse);
        connect(box, &QComboBox::currentTextChanged, this, [this, f](const QString& v) { fieldEdited(*f, v); });
        connect(browse, &QPushButton::clicked, this, [this, box] {
          const QString dir = QFileDialog::getExistingDirectory(this, tr("Model package folder"));
          if (!dir.isEmpty()) box->setCurrentText(dir);
        });
        f->show = [box](const QString& v) { box->setCurrentText(v); };
        f->editor = box;
        f->packageInfo = new QLabel;
        cellLayout->addWidget(row);
      } else {
        auto* edit = new QLineEdit;
        if (spec->type == FieldType::IntList || spec->type == FieldType::FloatList ||
            spec->type == FieldType::StringList)
          edit->setPlaceholderText(tr("YAML list, e.g. [1, 2, 4]"));
        else if (spec->type == FieldType::Map)
          edit->setPlaceholderText(tr("YAML map, e.g. {channels: [8, 16]}; empty for defaults"));
        connect(edit, &QLineEdit::textEdited, this, [this, f](const QString& v) { fieldEdited(*f, v); });
        f->show = [edit](const QString& v) { edit->setText(v); };
        f->editor = edit;
      }
      if (f->editor->parentWidget() == nullptr) cellLayout->addWidget(f->editor);
      if (f->packageInfo) cellLayout->addWidget(f->packageInfo);
      f->message = new QLabel;
      f->message->setStyleSheet(QStringLiteral("color: #b00020"));
      f->message->setWordWrap(true);
      cellLayout->addWidget(f->message);
      f->editor->setToolTip(tip);
      f->editor->setObjectName(qs(spec->path));
      auto* label = new QLabel(qs(lastPart(spec->path)));
      label->setToolTip(tip);
      label->setBuddy(f->editor);
      form->addRow(label, cell);
      fields_[spec->path] = std::move(field);
    }
  formLayout_->addStretch();
}

QString SetupPanel::packageSummary(const QString& spec) {
  const PackageEntry p = describePackage(spec);
  return p.present ? tr("%1 · %2").arg(p.kind, p.dir) : tr("⚠ package not found (%1); it may still be training").arg(p.dir);
}

void SetupPanel::showFieldValue(Field& field) {
  const bool was = applying_;
  applying_ = true;
  const YAML::Node node = config_->node(field.spec.path);
  field.show(yamlFlowText(node));
  applying_ = was;
  if (field.packageInfo) field.packageInfo->setText(packageSummary(yamlFlowText(node)));
}

void SetupPanel::fieldEdited(Field& field, const QString& text) {
  if (applying_) return;
  const std::string path = field.spec.path;
  try {
    YAML::Node value;
    switch (field.spec.type) {
      case FieldType::String:
      case FieldType::Enum: value = YAML::Node(text.toStdString()); break;
      default: {
        const QString t = text.trimmed();
        if (t.isEmpty() && field.spec.type == FieldType::Map) value = YAML::Node(YAML::NodeType::Map);
        else if (t.isEmpty() && field.spec.type != FieldType::Int && field.spec.type != FieldType::Float &&
                 field.spec.type != FieldType::Bool)
          value = YAML::Node(YAML::NodeType::Sequence);
        else value = parseYaml(t.toStdString(), path);
      }
    }
    config_->set(path, value);
    fieldErrors_.erase(path);
    field.message->clear();
  } catch (const std::exception& e) {
    fieldErrors_[path] = qs(e.what());
    field.message->setText(qs(e.what()));
  }
  if (field.packageInfo) field.packageInfo->setText(packageSummary(text));
  refreshYaml();
}

void SetupPanel::refreshYaml() {
  QString text = yamlText();
  if (!fieldErrors_.empty())
    text.prepend(tr("# %n field(s) invalid; their last valid values are shown\n", "", static_cast<int>(fieldErrors_.size())));
  const int scroll = yaml_->verticalScrollBar() ? yaml_->verticalScrollBar()->value() : 0;
  yaml_->setPlainText(text);
  yaml_->verticalScrollBar()->setValue(scroll);
  Q_EMIT configChanged();
}

QString SetupPanel::yamlText() const { return config_ ? qs(config_->dump(true)) : QString(); }

QStringList SetupPanel::errors() const {
  QStringList out;
  for (const auto& [path, message] : fieldErrors_) out << message;
  return out;
}

bool SetupPanel::setFieldText(const QString& path, const QString& text) {
  const auto it = fields_.find(path.toStdString());
  if (it == fields_.end()) return false;
  Field& f = *it->second;
  {
    const bool was = applying_;
    applying_ = true;
    f.show(text);
    applying_ = was;
  }
  fieldEdited(f, text);
  return fieldErrors_.count(path.toStdString()) == 0;
}

QString SetupPanel::fieldError(const QString& path) const {
  const auto it = fieldErrors_.find(path.toStdString());
  return it == fieldErrors_.end() ? QString() : it->second;
}

QWidget* SetupPanel::editorFor(const QString& path) const {
  const auto it = fields_.find(path.toStdString());
  return it == fields_.end() ? nullptr : it->second->editor;
}

QStringList SetupPanel::packageFields() const {
  QStringList out;
  for (const auto& [path, f] : fields_)
    if (f->packageInfo) out << qs(path);
  return out;
}

}  // namespace vds::ui
