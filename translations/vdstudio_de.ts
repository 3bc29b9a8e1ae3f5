<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <source>Video diffusion distillation studio</source>
        <translation>Studio für die Destillation von Video-Diffusionsmodellen</translation>
    </message>
    <message>
        <source>Render each main view to DIR/&lt;view&gt;.png and exit.</source>
        <translation>Jede Hauptansicht als DIR/&lt;view&gt;.png rendern und beenden.</translation>
    </message>
    <message>
        <source>Workspace folder.</source>
        <translation>Ordner des Arbeitsbereichs.</translation>
    </message>
    <message>
        <source>Open the first-launch demo again.</source>
        <translation>Die Demo vom ersten Start erneut öffnen.</translation>
    </message>
    <message>
        <source>With --screenshots: the run config to train and show (default: an autoencoder micro run).</source>
        <translation>Mit --screenshots: die Laufkonfiguration, die trainiert und gezeigt wird (Standard: ein Autoencoder-Mikrolauf).</translation>
    </message>
    <message>
        <source>Benchmark: training throughput with the studio open against vdstudio-cli distill on the run config FILE, then exit.</source>
        <translation>Benchmark: Trainingsdurchsatz bei geöffnetem Studio gegenüber vdstudio-cli distill mit der Laufkonfiguration FILE, danach beenden.</translation>
    </message>
    <message>
        <source>With --bench-overhead: iterations per run.</source>
        <translation>Mit --bench-overhead: Iterationen pro Lauf.</translation>
    </message>
    <message>
        <source>With --bench-overhead: runs per side.</source>
        <translation>Mit --bench-overhead: Läufe pro Seite.</translation>
    </message>
</context>
<context>
    <name>vds::ui::ClipGridView</name>
    <message>
        <source>no video yet</source>
        <translation>noch kein Video</translation>
    </message>
</context>
<context>
    <name>vds::ui::CompareView</name>
    <message>
        <source>Prompts (one per row)</source>
        <translation>Prompts (einer pro Zeile)</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Spalten</translation>
    </message>
    <message>
        <source>package</source>
        <translation>Paket</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>sampler</source>
        <translation>Sampler</translation>
    </message>
    <message>
        <source>cfg</source>
        <translation>cfg</translation>
    </message>
    <message>
        <source>label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <source>Add column</source>
        <translation>Spalte hinzufügen</translation>
    </message>
    <message>
        <source>Remove column</source>
        <translation>Spalte entfernen</translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation>Standardwerte</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>Gene&amp;rieren</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Wiedergabe</translation>
    </message>
    <message>
        <source>frame</source>
        <translation>Frame</translation>
    </message>
    <message>
        <source>A/B wipe</source>
        <translation>A/B-Wischblende</translation>
    </message>
    <message>
        <source>row </source>
        <translation>Zeile </translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>sampler &apos;package&apos;: the package&apos;s own sampler, timesteps and guidance (distilled students)</source>
        <translation>Sampler &apos;package&apos;: Sampler, Zeitschritte und Guidance des Pakets selbst (destillierte Students)</translation>
    </message>
    <message>
        <source>teacher</source>
        <translation>Teacher</translation>
    </message>
    <message>
        <source>?</source>
        <translation>?</translation>
    </message>
    <message>
        <source>from the package&apos;s sampling section</source>
        <translation>aus dem Sampling-Abschnitt des Pakets</translation>
    </message>
    <message>
        <source>the package records no sampling section</source>
        <translation>das Paket enthält keinen Sampling-Abschnitt</translation>
    </message>
    <message>
        <source>press Generate</source>
        <translation>auf Generieren klicken</translation>
    </message>
    <message>
        <source>package %1 is not built yet (it may still be training)</source>
        <translation>Paket %1 ist noch nicht erstellt (es wird evtl. noch trainiert)</translation>
    </message>
    <message>
        <source>%1 · 1 step</source>
        <translation>%1 · 1 Schritt</translation>
    </message>
    <message>
        <source>%1 · %2 steps</source>
        <translation>%1 · %2 Schritte</translation>
    </message>
    <message>
        <source>%1
own sampling: none recorded</source>
        <translation>%1
eigenes Sampling: keines hinterlegt</translation>
    </message>
    <message>
        <source>%1
own sampling</source>
        <translation>%1
eigenes Sampling</translation>
    </message>
    <message>
        <source>
own sampling: %1, cfg %2</source>
        <translation>
eigenes Sampling: %1, cfg %2</translation>
    </message>
    <message>
        <source>
%1, cfg %2</source>
        <translation>
%1, cfg %2</translation>
    </message>
    <message>
        <source>
NFE %1 · %2 ms/clip</source>
        <translation>
NFE %1 · %2 ms/Clip</translation>
    </message>
    <message>
        <source>
first frames: held-out clips</source>
        <translation>
erste Frames: zurückgehaltene Clips</translation>
    </message>
    <message numerus="yes">
        <source>generating %n column(s)…</source>
        <translation>
            <numerusform>%n Spalte wird generiert…</numerusform>
            <numerusform>%n Spalten werden generiert…</numerusform>
        </translation>
    </message>
    <message>
        <source>generating…</source>
        <translation>wird generiert…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Write the grid (or one column) as MP4, WebM, GIF or PNG frames, labelled</source>
        <translation>Das Raster (oder eine Spalte) beschriftet als MP4, WebM, GIF oder PNG-Frames schreiben</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>Seed %1</translation>
    </message>
    <message>
        <source>The whole grid, labelled</source>
        <translation>Das ganze Raster, beschriftet</translation>
    </message>
    <message>
        <source>Column %1: %2</source>
        <translation>Spalte %1: %2</translation>
    </message>
</context>
<context>
    <name>vds::ui::ExportDialog</name>
    <message>
        <source>MP4 (H.264)</source>
        <translation>MP4 (H.264)</translation>
    </message>
    <message>
        <source>WebM (VP9)</source>
        <translation>WebM (VP9)</translation>
    </message>
    <message>
        <source>GIF</source>
        <translation>GIF</translation>
    </message>
    <message>
        <source>PNG frames</source>
        <translation>PNG-Frames</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4-Video (*.mp4)</translation>
    </message>
    <message>
        <source>WebM video (*.webm)</source>
        <translation>WebM-Video (*.webm)</translation>
    </message>
    <message>
        <source>Animated GIF (*.gif)</source>
        <translation>Animiertes GIF (*.gif)</translation>
    </message>
    <message>
        <source>PNG frames, numbered after the name (*.png)</source>
        <translation>PNG-Frames, nach dem Namen nummeriert (*.png)</translation>
    </message>
    <message>
        <source>Export video</source>
        <translation>Video exportieren</translation>
    </message>
    <message>
        <source>Nothing to export</source>
        <translation>Nichts zu exportieren</translation>
    </message>
    <message>
        <source>&amp;What</source>
        <translation>&amp;Was</translation>
    </message>
    <message>
        <source>This FFmpeg build has no encoder for %1</source>
        <translation>Diesem FFmpeg-Build fehlt ein Encoder für %1</translation>
    </message>
    <message>
        <source>&amp;Format</source>
        <translation>&amp;Format</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>F&amp;ile</source>
        <translation>Dat&amp;ei</translation>
    </message>
    <message>
        <source> fps</source>
        <translation> fps</translation>
    </message>
    <message>
        <source>Frames per second of MP4, WebM and GIF (GIF rounds frame delays to 1/100 s); starts at the clips&apos; own rate</source>
        <translation>Frames pro Sekunde für MP4, WebM und GIF (GIF rundet Frame-Verzögerungen auf 1/100 s); beginnt bei der eigenen Rate der Clips</translation>
    </message>
    <message>
        <source>Frame &amp;rate</source>
        <translation>Frame&amp;rate</translation>
    </message>
    <message>
        <source>Integer upscale (nearest)</source>
        <translation>Ganzzahlig vergrößern (nächster Nachbar)</translation>
    </message>
    <message>
        <source>Fit to size (area)</source>
        <translation>Auf Größe einpassen (Fläche)</translation>
    </message>
    <message>
        <source>×</source>
        <translation>×</translation>
    </message>
    <message>
        <source>Every pixel becomes an N×N block; in a grid the clips grow, the labels keep their size</source>
        <translation>Jedes Pixel wird ein N×N-Block; in einem Raster wachsen die Clips, die Beschriftungen behalten ihre Größe</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>auto</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Area averaging when shrinking, bilinear when growing; leave one side on auto to keep the aspect ratio</source>
        <translation>Flächenmittelung beim Verkleinern, bilinear beim Vergrößern; eine Seite auf auto lassen, um das Seitenverhältnis zu behalten</translation>
    </message>
    <message>
        <source>&amp;Scale</source>
        <translation>&amp;Skalierung</translation>
    </message>
    <message>
        <source>Constant rate factor: lower is better and larger (MP4 0-51, WebM 0-63)</source>
        <translation>Constant Rate Factor: kleiner ist besser und größer (MP4 0-51, WebM 0-63)</translation>
    </message>
    <message>
        <source>&amp;Quality (CRF)</source>
        <translation>&amp;Qualität (CRF)</translation>
    </message>
    <message>
        <source>play once</source>
        <translation>einmal abspielen</translation>
    </message>
    <message>
        <source>GIF: 0 loops forever, N repeats N times</source>
        <translation>GIF: 0 wiederholt endlos, N wiederholt N-mal</translation>
    </message>
    <message>
        <source>GIF &amp;loops</source>
        <translation>GIF-&amp;Wiederholungen</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <source>&amp;Cancel export</source>
        <translation>Export &amp;abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message numerus="yes">
        <source>All %n clip(s) as a labelled grid</source>
        <translation>
            <numerusform>Den %n Clip als beschriftetes Raster</numerusform>
            <numerusform>Alle %n Clips als beschriftetes Raster</numerusform>
        </translation>
    </message>
    <message>
        <source>Clip %1</source>
        <translation>Clip %1</translation>
    </message>
    <message>
        <source>Clip %1: %2</source>
        <translation>Clip %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n clip(s)</source>
        <translation>
            <numerusform>%n Clip</numerusform>
            <numerusform>%n Clips</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>up to %n frame(s)</source>
        <translation>
            <numerusform>bis zu %n Frame</numerusform>
            <numerusform>bis zu %n Frames</numerusform>
        </translation>
    </message>
    <message>
        <source>%1×%2 px at %3 fps</source>
        <translation>%1×%2 px bei %3 fps</translation>
    </message>
    <message>
        <source>no clips yet</source>
        <translation>noch keine Clips</translation>
    </message>
    <message>
        <source>not used by %1</source>
        <translation>von %1 nicht verwendet</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Exportieren nach</translation>
    </message>
    <message>
        <source>There is nothing to export yet: no clip has frames.</source>
        <translation>Es gibt noch nichts zu exportieren: kein Clip hat Frames.</translation>
    </message>
    <message>
        <source>This FFmpeg build has no encoder for %1.</source>
        <translation>Diesem FFmpeg-Build fehlt ein Encoder für %1.</translation>
    </message>
    <message>
        <source>Choose a file to write.</source>
        <translation>Bitte eine Zieldatei wählen.</translation>
    </message>
    <message>
        <source>Give a width or a height to fit the video to.</source>
        <translation>Bitte eine Breite oder Höhe angeben, auf die das Video eingepasst wird.</translation>
    </message>
    <message>
        <source>Encoding %1…</source>
        <translation>%1 wird kodiert…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n PNG frame(s) of %1×%2 px (%3), from %4</source>
        <translation>
            <numerusform>%n PNG-Frame mit %1×%2 px geschrieben (%3), aus %4</numerusform>
            <numerusform>%n PNG-Frames mit %1×%2 px geschrieben (%3), aus %4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Wrote %1: %n frame(s) of %2×%3 px, %4</source>
        <translation>
            <numerusform>%1 geschrieben: %n Frame mit %2×%3 px, %4</numerusform>
            <numerusform>%1 geschrieben: %n Frames mit %2×%3 px, %4</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled; nothing was written.</source>
        <translation>Abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>Could not export to %1:
%2</source>
        <translation>Export nach %1 fehlgeschlagen:
%2</translation>
    </message>
</context>
<context>
    <name>vds::ui::GradNormMeter</name>
    <message>
        <source>%1 %2% (%3)</source>
        <translation>%1 %2 % (%3)</translation>
    </message>
</context>
<context>
    <name>vds::ui::MainWindow</name>
    <message>
        <source>vdstudio — video diffusion distillation studio</source>
        <translation>vdstudio — Studio für die Destillation von Video-Diffusionsmodellen</translation>
    </message>
    <message>
        <source>&amp;Setup</source>
        <translation>&amp;Einrichtung</translation>
    </message>
    <message>
        <source>&amp;Plots</source>
        <translation>Dia&amp;gramme</translation>
    </message>
    <message>
        <source>Sa&amp;mples</source>
        <translation>Sam&amp;ples</translation>
    </message>
    <message>
        <source>&amp;Compare</source>
        <translation>&amp;Vergleich</translation>
    </message>
    <message>
        <source>St&amp;yles</source>
        <translation>St&amp;ile</translation>
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
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>clone</source>
        <translation>Klon</translation>
    </message>
    <message>
        <source>clone failed: %1</source>
        <translation>Klonen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Training</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>Start nicht möglich</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>S&amp;top (saves)</source>
        <translation>S&amp;toppen (speichert)</translation>
    </message>
    <message>
        <source>Sample &amp;now</source>
        <translation>&amp;Jetzt Samples erzeugen</translation>
    </message>
    <message>
        <source>Save &amp;checkpoint</source>
        <translation>&amp;Checkpoint speichern</translation>
    </message>
    <message>
        <source>Profiler overlay</source>
        <translation>Profiler-Overlay</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open config…</source>
        <translation>Konfiguration ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open run config</source>
        <translation>Laufkonfiguration öffnen</translation>
    </message>
    <message>
        <source>YAML (*.yaml *.yml)</source>
        <translation>YAML-Dateien (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Open config</source>
        <translation>Konfiguration öffnen</translation>
    </message>
    <message>
        <source>&amp;Save config…</source>
        <translation>Konfiguration &amp;speichern…</translation>
    </message>
    <message>
        <source>Save run config</source>
        <translation>Laufkonfiguration speichern</translation>
    </message>
    <message>
        <source>YAML (*.yaml)</source>
        <translation>YAML-Dateien (*.yaml)</translation>
    </message>
    <message>
        <source>Save config</source>
        <translation>Konfiguration speichern</translation>
    </message>
    <message>
        <source>Choose &amp;workspace…</source>
        <translation>&amp;Arbeitsbereich wählen…</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Arbeitsbereich</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>asked the run to set loss weight %1 to %2</source>
        <translation>Lauf aufgefordert, das Loss-Gewicht %1 auf %2 zu setzen</translation>
    </message>
    <message>
        <source>step %1 / %2</source>
        <translation>Schritt %1 / %2</translation>
    </message>
    <message>
        <source>%1 it/s</source>
        <translation>%1 it/s</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <source>warning: </source>
        <translation>Warnung: </translation>
    </message>
    <message>
        <source>error: </source>
        <translation>Fehler: </translation>
    </message>
    <message>
        <source>checkpoint at step %1: %2</source>
        <translation>Checkpoint bei Schritt %1: %2</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>saving checkpoint before exit…</source>
        <translation>Checkpoint wird vor dem Beenden gespeichert…</translation>
    </message>
    <message>
        <source>run failed: %1</source>
        <translation>Lauf fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>Lauf: %1</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>fix the invalid fields first:
%1</source>
        <translation>bitte zuerst die ungültigen Felder korrigieren:
%1</translation>
    </message>
    <message>
        <source>started %1 in %2</source>
        <translation>%1 in %2 gestartet</translation>
    </message>
    <message numerus="yes">
        <source>%n saved preview(s) could not be shown, e.g. %1</source>
        <translation>
            <numerusform>%n gespeicherte Vorschau konnte nicht angezeigt werden: %1</numerusform>
            <numerusform>%n gespeicherte Vorschauen konnten nicht angezeigt werden, z. B. %1</numerusform>
        </translation>
    </message>
    <message>
        <source>welcome: the Compare tab shows the shipped packages; Setup holds a preset ready to start (F5)</source>
        <translation>Willkommen: Der Tab Vergleich zeigt die mitgelieferten Pakete; unter Einrichtung wartet eine startbereite Voreinstellung (F5)</translation>
    </message>
    <message>
        <source>Saving a checkpoint, then closing…</source>
        <translation>Checkpoint wird gespeichert, danach wird das Programm beendet…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <source>Write what the Samples, Compare or Styles tab shows as a video file</source>
        <translation>Den Inhalt des Tabs Samples, Vergleich oder Stile als Videodatei schreiben</translation>
    </message>
    <message>
        <source>added the student of run %1 to Compare; press Generate</source>
        <translation>Student des Laufs %1 zum Vergleich hinzugefügt; auf Generieren klicken</translation>
    </message>
</context>
<context>
    <name>vds::ui::PlotsView</name>
    <message>
        <source>Smoothing</source>
        <translation>Glättung</translation>
    </message>
    <message>
        <source>EMA weight on the past: 0 shows raw values</source>
        <translation>EMA-Gewicht der Vergangenheit: 0 zeigt die Rohwerte</translation>
    </message>
    <message>
        <source>&amp;Log y</source>
        <translation>&amp;y logarithmisch</translation>
    </message>
    <message>
        <source>x axis</source>
        <translation>x-Achse</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>wall time (s)</source>
        <translation>Echtzeit (s)</translation>
    </message>
    <message>
        <source>filter keys…</source>
        <translation>Schlüssel filtern…</translation>
    </message>
    <message>
        <source>hover a plot to read values; drag to pan, wheel to zoom, double-click to fit</source>
        <translation>Maus über ein Diagramm bewegen, um Werte abzulesen; ziehen zum Verschieben, Mausrad zum Zoomen, Doppelklick zum Einpassen</translation>
    </message>
    <message>
        <source>Gradient-norm balance (newest step)</source>
        <translation>Balance der Gradientennormen (neuester Schritt)</translation>
    </message>
    <message>
        <source>Loss weights (sent to the running method)</source>
        <translation>Loss-Gewichte (werden an die laufende Methode gesendet)</translation>
    </message>
    <message>
        <source>Loss by timestep bin (smoothed, newest)</source>
        <translation>Loss je Zeitschritt-Bin (geglättet, neuester Stand)</translation>
    </message>
    <message>
        <source>timestep</source>
        <translation>Zeitschritt</translation>
    </message>
    <message>
        <source>λ %1</source>
        <translation>λ %1</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>Setzen</translation>
    </message>
    <message>
        <source>send the weight of loss &apos;%1&apos; to the running method</source>
        <translation>Gewicht des Loss &apos;%1&apos; an die laufende Methode senden</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>set the weight of loss &apos;%1&apos; to the suggested value</source>
        <translation>Gewicht des Loss &apos;%1&apos; auf den vorgeschlagenen Wert setzen</translation>
    </message>
    <message>
        <source>suggested λ %1 = %2</source>
        <translation>vorgeschlagen: λ %1 = %2</translation>
    </message>
    <message>
        <source>%1 · step %2 · %3 s · value %4 · smoothed %5</source>
        <translation>%1 · Schritt %2 · %3 s · Wert %4 · geglättet %5</translation>
    </message>
</context>
<context>
    <name>vds::ui::ProfilerOverlay</name>
    <message>
        <source>device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <source>(no run)</source>
        <translation>(kein Lauf)</translation>
    </message>
    <message>
        <source>step %1 / %2 · %3 it/s · ETA %4 s</source>
        <translation>Schritt %1 / %2 · %3 it/s · Restzeit %4 s</translation>
    </message>
    <message>
        <source>RSS %1 MiB · CUDA %2 / %3 MiB (allocated / reserved)</source>
        <translation>RSS %1 MiB · CUDA %2 / %3 MiB (belegt / reserviert)</translation>
    </message>
    <message>
        <source>%1: %2 ms</source>
        <translation>%1: %2 ms</translation>
    </message>
    <message>
        <source>Profiler (F12)</source>
        <translation>Profiler (F12)</translation>
    </message>
    <message>
        <source>Phases (ms, last log interval)</source>
        <translation>Phasen (ms, letztes Log-Intervall)</translation>
    </message>
    <message>
        <source>Profiler (F12; no OpenGL here, so not ImGui)</source>
        <translation>Profiler (F12; hier kein OpenGL, daher nicht ImGui)</translation>
    </message>
</context>
<context>
    <name>vds::ui::RunController</name>
    <message>
        <source>idle</source>
        <translation>inaktiv</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>saving…</source>
        <translation>speichert…</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>a run is already active</source>
        <translation>es ist bereits ein Lauf aktiv</translation>
    </message>
    <message>
        <source>run folder %1 already has checkpoints; resume it from the Runs view</source>
        <translation>Laufordner %1 enthält bereits Checkpoints; bitte über die Ansicht Läufe fortsetzen</translation>
    </message>
</context>
<context>
    <name>vds::ui::RunsView</name>
    <message>
        <source>run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>newest losses</source>
        <translation>neueste Loss-Werte</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Open plots</source>
        <translation>Diagramme öffnen</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Clone with edits</source>
        <translation>Klonen und bearbeiten</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Queue (runs one after another; a failure skips to the next, Stop halts it)</source>
        <translation>Warteschlange (Läufe nacheinander; bei einem Fehler geht es mit dem nächsten weiter, Stoppen hält sie an)</translation>
    </message>
    <message>
        <source>Add configs…</source>
        <translation>Konfigurationen hinzufügen…</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Abgeschlossene entfernen</translation>
    </message>
    <message>
        <source>Run queue</source>
        <translation>Warteschlange starten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Queue run configs</source>
        <translation>Laufkonfigurationen einreihen</translation>
    </message>
    <message>
        <source>YAML (*.yaml *.yml)</source>
        <translation>YAML-Dateien (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Workspace: %1</source>
        <translation>Arbeitsbereich: %1</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>nicht lesbar</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>no checkpoint</source>
        <translation>kein Checkpoint</translation>
    </message>
    <message>
        <source>select a run first</source>
        <translation>bitte zuerst einen Lauf auswählen</translation>
    </message>
    <message>
        <source>cannot read %1</source>
        <translation>%1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation>Lauf löschen</translation>
    </message>
    <message>
        <source>Stop the run before deleting it.</source>
        <translation>Stoppen Sie den Lauf, bevor Sie ihn löschen.</translation>
    </message>
    <message>
        <source>Delete the run folder %1 with its checkpoints, samples and metrics? This cannot be undone.</source>
        <translation>Den Laufordner %1 mit seinen Checkpoints, Samples und Metriken löschen? Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>Warteschlange fortsetzen</translation>
    </message>
    <message>
        <source>cannot read the file</source>
        <translation>die Datei kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Compare student</source>
        <translation>Student vergleichen</translation>
    </message>
    <message>
        <source>Add the run&apos;s exported student to the Compare tab, sampling as its package records</source>
        <translation>Den exportierten Student des Laufs dem Tab Vergleich hinzufügen, mit dem Sampling aus seinem Paket</translation>
    </message>
    <message>
        <source>run %1 has not exported a package yet: a run exports when it finishes</source>
        <translation>Lauf %1 hat noch kein Paket exportiert: ein Lauf exportiert, wenn er abgeschlossen ist</translation>
    </message>
</context>
<context>
    <name>vds::ui::SamplesView</name>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Wiedergabe</translation>
    </message>
    <message>
        <source>Newest previews</source>
        <translation>Neueste Vorschauen</translation>
    </message>
    <message>
        <source>Previews appear here at every trainer.sample_every steps, or press Sample now.</source>
        <translation>Vorschauen erscheinen hier alle trainer.sample_every Schritte, oder klicken Sie auf Jetzt Samples erzeugen.</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>%1 · step %2</source>
        <translation>%1 · Schritt %2</translation>
    </message>
    <message>
        <source>step %1 (%2 of %3)</source>
        <translation>Schritt %1 (%2 von %3)</translation>
    </message>
    <message>
        <source>&amp;Open video…</source>
        <translation>Video ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Show a video file (MP4, WebM, GIF, …) beside the previews, at its own frame rate</source>
        <translation>Eine Videodatei (MP4, WebM, GIF, …) neben den Vorschauen mit ihrer eigenen Framerate zeigen</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Write the preview shown under History as MP4, WebM, GIF or PNG frames</source>
        <translation>Die unter Verlauf gezeigte Vorschau als MP4, WebM, GIF oder PNG-Frames schreiben</translation>
    </message>
    <message>
        <source>Open video</source>
        <translation>Video öffnen</translation>
    </message>
    <message>
        <source>Videos (*.mp4 *.webm *.gif *.mkv *.mov *.avi);;All files (*)</source>
        <translation>Videos (*.mp4 *.webm *.gif *.mkv *.mov *.avi);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>showing the first %1 of %2 frames</source>
        <translation>die ersten %1 von %2 Frames werden gezeigt</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 fps · %n frame(s)</source>
        <translation>
            <numerusform>%1 · %2 fps · %n Frame</numerusform>
            <numerusform>%1 · %2 fps · %n Frames</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · step %2 · %3 fps</source>
        <translation>%1 · Schritt %2 · %3 fps</translation>
    </message>
</context>
<context>
    <name>vds::ui::SetupPanel</name>
    <message>
        <source>&amp;Method</source>
        <translation>&amp;Methode</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Voreinstellung</translation>
    </message>
    <message>
        <source>(choose a preset)</source>
        <translation>(Voreinstellung wählen)</translation>
    </message>
    <message>
        <source>&amp;Load…</source>
        <translation>Lade&amp;n…</translation>
    </message>
    <message>
        <source>Sa&amp;ve…</source>
        <translation>&amp;Speichern…</translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation>Standardwerte</translation>
    </message>
    <message>
        <source>Run config (YAML, as vdstudio-cli reads it)</source>
        <translation>Laufkonfiguration (YAML, wie vdstudio-cli sie liest)</translation>
    </message>
    <message>
        <source>Load run config</source>
        <translation>Laufkonfiguration laden</translation>
    </message>
    <message>
        <source>YAML (*.yaml *.yml)</source>
        <translation>YAML-Dateien (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Save run config</source>
        <translation>Laufkonfiguration speichern</translation>
    </message>
    <message>
        <source>YAML (*.yaml)</source>
        <translation>YAML-Dateien (*.yaml)</translation>
    </message>
    <message>
        <source>defaults</source>
        <translation>Standardwerte</translation>
    </message>
    <message>
        <source>cannot read %1</source>
        <translation>%1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>fix the invalid fields first: %1</source>
        <translation>bitte zuerst die ungültigen Felder korrigieren: %1</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>no preset named %1</source>
        <translation>keine Voreinstellung namens %1</translation>
    </message>
    <message>
        <source>Model packages</source>
        <translation>Modellpakete</translation>
    </message>
    <message>
        <source> · range %1 … %2</source>
        <translation> · Bereich %1 … %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>not built yet</source>
        <translation>noch nicht erstellt</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Model package folder</source>
        <translation>Ordner des Modellpakets</translation>
    </message>
    <message>
        <source>YAML list, e.g. [1, 2, 4]</source>
        <translation>YAML-Liste, z. B. [1, 2, 4]</translation>
    </message>
    <message>
        <source>YAML map, e.g. {channels: [8, 16]}; empty for defaults</source>
        <translation>YAML-Map, z. B. {channels: [8, 16]}; leer für Standardwerte</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>⚠ package not found (%1); it may still be training</source>
        <translation>⚠ Paket nicht gefunden (%1); es wird evtl. noch trainiert</translation>
    </message>
    <message numerus="yes">
        <source># %n field(s) invalid; their last valid values are shown
</source>
        <translation>
            <numerusform># %n Feld ungültig; sein letzter gültiger Wert wird angezeigt
</numerusform>
            <numerusform># %n Felder ungültig; ihre letzten gültigen Werte werden angezeigt
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vds::ui::StylesView</name>
    <message>
        <source>S&amp;wap active style</source>
        <translation>Aktiven Stil &amp;wechseln</translation>
    </message>
    <message>
        <source>Send the selected style model to the running run (AVDM2&apos;s 2D score model)</source>
        <translation>Das ausgewählte Stilmodell an das laufende Training senden (das 2D-Score-Modell von AVDM2)</translation>
    </message>
    <message>
        <source>active style: (from the run config)</source>
        <translation>aktiver Stil: (aus der Laufkonfiguration)</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>a red circle</source>
        <translation>a red circle</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>&amp;Render gallery</source>
        <translation>Galerie &amp;rendern</translation>
    </message>
    <message>
        <source>Same prompt and seed, every style</source>
        <translation>Gleicher Prompt und Seed für jeden Stil</translation>
    </message>
    <message>
        <source>%1 (%2)
%3</source>
        <translation>%1 (%2)
%3</translation>
    </message>
    <message>
        <source>%1: not built yet (it may still be training)</source>
        <translation>%1: noch nicht erstellt (wird evtl. noch trainiert)</translation>
    </message>
    <message>
        <source>press Render gallery</source>
        <translation>auf Galerie rendern klicken</translation>
    </message>
    <message>
        <source>not built yet</source>
        <translation>noch nicht erstellt</translation>
    </message>
    <message>
        <source>rendering…</source>
        <translation>wird gerendert…</translation>
    </message>
    <message>
        <source>active style: %1 (sent at the run&apos;s next iteration)</source>
        <translation>aktiver Stil: %1 (wird bei der nächsten Iteration des Laufs gesendet)</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Write the gallery (or one style) as MP4, WebM, GIF or PNG frames, labelled</source>
        <translation>Die Galerie (oder einen Stil) beschriftet als MP4, WebM, GIF oder PNG-Frames schreiben</translation>
    </message>
    <message>
        <source>%1 · seed %2</source>
        <translation>%1 · Seed %2</translation>
    </message>
    <message>
        <source>The students distilled with each style (their own sampling)</source>
        <translation>Die mit jedem Stil destillierten Students (mit ihrem eigenen Sampling)</translation>
    </message>
    <message>
        <source>no student distilled with %1</source>
        <translation>kein Student mit %1 destilliert</translation>
    </message>
    <message>
        <source>Student of %1: %2</source>
        <translation>Student von %1: %2</translation>
    </message>
</context>
<context>
    <name>vds::ui::VideoExport</name>
    <message>
        <source>there is nothing to export: no clip has frames yet</source>
        <translation>es gibt nichts zu exportieren: noch hat kein Clip Frames</translation>
    </message>
    <message>
        <source>no output file is chosen</source>
        <translation>keine Zieldatei gewählt</translation>
    </message>
</context>
<context>
    <name>vds::ui::WipeView</name>
    <message>
        <source>generate, then pick columns A and B</source>
        <translation>erst generieren, dann die Spalten A und B wählen</translation>
    </message>
    <message>
        <source>A: %1</source>
        <translation>A: %1</translation>
    </message>
    <message>
        <source>B: %1</source>
        <translation>B: %1</translation>
    </message>
</context>
</TS>
