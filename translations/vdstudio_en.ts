<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>vds::ui::CompareView</name>
    <message numerus="yes">
        <source>generating %n column(s)…</source>
        <translation>
            <numerusform>generating %n column…</numerusform>
            <numerusform>generating %n columns…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vds::ui::MainWindow</name>
    <message numerus="yes">
        <source>%n saved preview(s) could not be shown, e.g. %1</source>
        <translation>
            <numerusform>%n saved preview could not be shown: %1</numerusform>
            <numerusform>%n saved previews could not be shown, e.g. %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vds::ui::SetupPanel</name>
    <message numerus="yes">
        <source># %n field(s) invalid; their last valid values are shown
</source>
        <translation>
            <numerusform># %n field invalid; its last valid value is shown
</numerusform>
            <numerusform># %n fields invalid; their last valid values are shown
</numerusform>
        </translation>
    </message>
</context>
</TS>
