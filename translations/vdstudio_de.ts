<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>vds::ui::ClipGridView</name>
    <message>
        <source>no video yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::CompareView</name>
    <message>
        <source>Prompts (one per row)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>package</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sampler</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cfg</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A/B wipe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>row </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sampler &apos;package&apos;: the package&apos;s own sampler, timesteps and guidance (distilled students)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>teacher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from the package&apos;s sampling section</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the package records no sampling section</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>press Generate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>package %1 is not built yet (it may still be training)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · 1 step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2 steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
own sampling: none recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
own sampling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
own sampling: %1, cfg %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
%1, cfg %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
NFE %1 · %2 ms/clip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
first frames: held-out clips</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>generating %n column(s)…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>generating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::GradNormMeter</name>
    <message>
        <source>%1 %2% (%3)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::MainWindow</name>
    <message>
        <source>vdstudio — video diffusion distillation studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Setup</source>
        <translation>&amp;Einrichtung</translation>
    </message>
    <message>
        <source>&amp;Plots</source>
        <translation>&amp;Diagramme</translation>
    </message>
    <message>
        <source>Sa&amp;mples</source>
        <translation>Bei&amp;spiele</translation>
    </message>
    <message>
        <source>&amp;Compare</source>
        <translation>&amp;Vergleich</translation>
    </message>
    <message>
        <source>St&amp;yles</source>
        <translation>S&amp;tile</translation>
    </message>
    <message>
        <source>&amp;Runs</source>
        <translation>&amp;Läufe</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>clone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>clone failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;top (saves)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample &amp;now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profiler overlay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open config…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open run config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YAML (*.yaml *.yml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save config…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save run config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YAML (*.yaml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose &amp;workspace…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>asked the run to set loss weight %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 it/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>checkpoint at step %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>saving checkpoint before exit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fix the invalid fields first:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>started %1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n saved preview(s) could not be shown, e.g. %1</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>welcome: the Compare tab shows the shipped packages; Setup holds a preset ready to start (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving a checkpoint, then closing…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::PlotsView</name>
    <message>
        <source>Smoothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EMA weight on the past: 0 shows raw values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x axis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wall time (s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>filter keys…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hover a plot to read values; drag to pan, wheel to zoom, double-click to fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gradient-norm balance (newest step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss weights (sent to the running method)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss by timestep bin (smoothed, newest)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>timestep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>λ %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set</source>
        <translation>Setzen</translation>
    </message>
    <message>
        <source>send the weight of loss &apos;%1&apos; to the running method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>set the weight of loss &apos;%1&apos; to the suggested value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>suggested λ %1 = %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · step %2 · %3 s · value %4 · smoothed %5</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::ProfilerOverlay</name>
    <message>
        <source>device: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no run)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1 / %2 · %3 it/s · ETA %4 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RSS %1 MiB · CUDA %2 / %3 MiB (allocated / reserved)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profiler (F12)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phases (ms, last log interval)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profiler (F12; no OpenGL here, so not ImGui)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::RunController</name>
    <message>
        <source>idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a run is already active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run folder %1 already has checkpoints; resume it from the Runs view</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::RunsView</name>
    <message>
        <source>run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>newest losses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open plots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clone with edits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue (runs one after another; a failure skips to the next, Stop halts it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add configs…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run queue</source>
        <translation>Warteschlange starten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue run configs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YAML (*.yaml *.yml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workspace: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>select a run first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the run before deleting it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the run folder %1 with its checkpoints, samples and metrics? This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>Warteschlange fortsetzen</translation>
    </message>
    <message>
        <source>cannot read the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::SamplesView</name>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Newest previews</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previews appear here at every trainer.sample_every steps, or press Sample now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · step %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1 (%2 of %3)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::SetupPanel</name>
    <message>
        <source>&amp;Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(choose a preset)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Load…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sa&amp;ve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run config (YAML, as vdstudio-cli reads it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load run config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YAML (*.yaml *.yml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save run config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YAML (*.yaml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fix the invalid fields first: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no preset named %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model packages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · range %1 … %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not built yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model package folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YAML list, e.g. [1, 2, 4]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YAML map, e.g. {channels: [8, 16]}; empty for defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>⚠ package not found (%1); it may still be training</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source># %n field(s) invalid; their last valid values are shown
</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vds::ui::StylesView</name>
    <message>
        <source>S&amp;wap active style</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the selected style model to the running run (AVDM2&apos;s 2D score model)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active style: (from the run config)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a red circle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Render gallery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same prompt and seed, every style</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)
%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: not built yet (it may still be training)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>press Render gallery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not built yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rendering…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active style: %1 (sent at the run&apos;s next iteration)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vds::ui::WipeView</name>
    <message>
        <source>generate, then pick columns A and B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
