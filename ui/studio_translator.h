// The studio's translations: translations/vdstudio_<lang>.ts, compiled to .qm at build
// time and embedded as resources under :/i18n (ui/CMakeLists.txt). English is the source
// language; its file only carries the plural forms.
#pragma once
#include <QLocale>
#include <QString>

class QTranslator;

namespace vds::ui {

// Where the compiled translations live in the resources.
inline constexpr const char* kTranslationsResourceDir = ":/i18n";

// Loads the translation that best fits `locale` (its UI languages in order, e.g. de_DE,
// then de) into `translator` and installs it on the application. Returns false, leaving
// the application untranslated, when there is none for that locale.
bool installStudioTranslation(QTranslator& translator, const QLocale& locale);

}  // namespace vds::ui
