#include "ui/studio_translator.h"

#include <QCoreApplication>
#include <QTranslator>

namespace vds::ui {

bool installStudioTranslation(QTranslator& translator, const QLocale& locale) {
  if (!translator.load(locale, QStringLiteral("vdstudio"), QStringLiteral("_"),
                       QString::fromLatin1(kTranslationsResourceDir)))
    return false;
  return QCoreApplication::installTranslator(&translator);
}

}  // namespace vds::ui
