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
    <name>vds::ui::ExportDialog</name>
    <message numerus="yes">
        <source>%n clip(s)</source>
        <translation>
            <numerusform>%n clip</numerusform>
            <numerusform>%n clips</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %n clip(s) as a labelled grid</source>
        <translation>
            <numerusform>The clip with its labels</numerusform>
            <numerusform>All %n clips as a labelled grid</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Wrote %1: %n frame(s) of %2×%3 px, %4</source>
        <translation>
            <numerusform>Wrote %1: %n frame of %2×%3 px, %4</numerusform>
            <numerusform>Wrote %1: %n frames of %2×%3 px, %4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n PNG frame(s) of %1×%2 px (%3), from %4</source>
        <translation>
            <numerusform>Wrote %n PNG frame of %1×%2 px (%3): %4</numerusform>
            <numerusform>Wrote %n PNG frames of %1×%2 px (%3), from %4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>up to %n frame(s)</source>
        <translation>
            <numerusform>%n frame</numerusform>
            <numerusform>up to %n frames</numerusform>
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
    <name>vds::ui::SamplesView</name>
    <message numerus="yes">
        <source>%1 · %2 fps · %n frame(s)</source>
        <translation>
            <numerusform>%1 · %2 fps · %n frame</numerusform>
            <numerusform>%1 · %2 fps · %n frames</numerusform>
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
