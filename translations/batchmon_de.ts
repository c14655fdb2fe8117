<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>HistoryCharts</name>
    <message>
        <source>◦ includes local history from before %1</source>
        <translation>◦ enthält lokale Historie von vor %1</translation>
    </message>
    <message>
        <source>Queue depth (recorded)</source>
        <translation>Warteschlangentiefe (aufgezeichnet)</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Processing</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Success rate (recorded)</source>
        <translation>Erfolgsquote (aufgezeichnet)</translation>
    </message>
    <message>
        <source>Success rate</source>
        <translation>Erfolgsquote</translation>
    </message>
    <message>
        <source>each point: the success rate of the range before it, as recorded</source>
        <translation>jeder Punkt: die Erfolgsquote des Zeitraums davor, wie aufgezeichnet</translation>
    </message>
</context>
<context>
    <name>JobStatus</name>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Validating</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Finalizing</source>
        <translation>Abschluss</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Cancelling</source>
        <translation>Wird abgebrochen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>Requests per hour</source>
        <translation>Anfragen pro Stunde</translation>
    </message>
    <message>
        <source>requests/h</source>
        <translation>Anfragen/h</translation>
    </message>
    <message>
        <source>Cost and savings</source>
        <translation>Kosten und Einsparungen</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Eingespart</translation>
    </message>
    <message>
        <source>Batch cost</source>
        <translation>Batch-Kosten</translation>
    </message>
    <message>
        <source>USD</source>
        <translation>USD</translation>
    </message>
</context>
<context>
    <name>batchmon::ActionPlan</name>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Set priority</source>
        <translation>Priorität setzen</translation>
    </message>
    <message>
        <source>The selected job&apos;s status does not allow this action.</source>
        <translation>Der Status des ausgewählten Jobs erlaubt diese Aktion nicht.</translation>
    </message>
    <message numerus="yes">
        <source>None of the %n selected jobs&apos; statuses allows this action.</source>
        <translation>
            <numerusform>Der Status des %n ausgewählten Jobs erlaubt diese Aktion nicht.</numerusform>
            <numerusform>Bei keinem der %n ausgewählten Jobs erlaubt der Status diese Aktion.</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry %1? Its %2 failed or unfinished requests go to the provider again as a new job (attempt %3).</source>
        <translation>%1 wiederholen? Seine %2 fehlgeschlagenen oder unvollendeten Anfragen gehen erneut als neuer Job an den Anbieter (Versuch %3).</translation>
    </message>
    <message numerus="yes">
        <source>Retry %n jobs? Their %1 failed or unfinished requests go to the provider again as %n new jobs.</source>
        <translation>
            <numerusform>%n Job wiederholen? Seine %1 fehlgeschlagenen oder unvollendeten Anfragen gehen erneut als %n neuer Job an den Anbieter.</numerusform>
            <numerusform>%n Jobs wiederholen? Ihre %1 fehlgeschlagenen oder unvollendeten Anfragen gehen erneut als %n neue Jobs an den Anbieter.</numerusform>
        </translation>
    </message>
    <message>
        <source>The cost cannot be estimated: nothing in this range has been billed yet.</source>
        <translation>Die Kosten lassen sich nicht schätzen: in diesem Zeitraum wurde noch nichts abgerechnet.</translation>
    </message>
    <message>
        <source>Estimated cost: less than a cent at batch prices.</source>
        <translation>Geschätzte Kosten: weniger als ein Cent zu Batch-Preisen.</translation>
    </message>
    <message>
        <source>Estimated cost: about %1 at batch prices.</source>
        <translation>Geschätzte Kosten: etwa %1 zu Batch-Preisen.</translation>
    </message>
    <message>
        <source>Cancel %1? %2 requests will not be processed.</source>
        <translation>%1 abbrechen? %2 Anfragen werden nicht verarbeitet.</translation>
    </message>
    <message numerus="yes">
        <source>Cancel %n jobs? %1 requests will not be processed.</source>
        <translation>
            <numerusform>%n Job abbrechen? %1 Anfragen werden nicht verarbeitet.</numerusform>
            <numerusform>%n Jobs abbrechen? %1 Anfragen werden nicht verarbeitet.</numerusform>
        </translation>
    </message>
    <message>
        <source>Jobs already at the provider are cancelled there; requests the provider has already processed are kept and billed.</source>
        <translation>Jobs, die bereits beim Anbieter sind, werden dort abgebrochen; bereits verarbeitete Anfragen bleiben erhalten und werden abgerechnet.</translation>
    </message>
    <message>
        <source>Pause %1? Its %2 requests will not be submitted until it is resumed.</source>
        <translation>%1 anhalten? Seine %2 Anfragen werden erst nach dem Fortsetzen übermittelt.</translation>
    </message>
    <message numerus="yes">
        <source>Pause %n jobs? Their %1 requests will not be submitted until resumed.</source>
        <translation>
            <numerusform>%n Job anhalten? Seine %1 Anfragen werden erst nach dem Fortsetzen übermittelt.</numerusform>
            <numerusform>%n Jobs anhalten? Ihre %1 Anfragen werden erst nach dem Fortsetzen übermittelt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Resume %1? Its %2 requests go back into the submission queue.</source>
        <translation>%1 fortsetzen? Seine %2 Anfragen kommen zurück in die Übermittlungswarteschlange.</translation>
    </message>
    <message numerus="yes">
        <source>Resume %n jobs? Their %1 requests go back into the submission queue.</source>
        <translation>
            <numerusform>%n Job fortsetzen? Seine %1 Anfragen kommen zurück in die Übermittlungswarteschlange.</numerusform>
            <numerusform>%n Jobs fortsetzen? Ihre %1 Anfragen kommen zurück in die Übermittlungswarteschlange.</numerusform>
        </translation>
    </message>
    <message>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normal</translation>
    </message>
    <message>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <source>urgent</source>
        <translation>dringend</translation>
    </message>
    <message>
        <source>Change the priority of %1 from %2 to %3? Priority decides which pending job is submitted first.</source>
        <translation>Priorität von %1 von %2 auf %3 ändern? Die Priorität bestimmt, welcher ausstehende Job zuerst übermittelt wird.</translation>
    </message>
    <message numerus="yes">
        <source>Set the priority of %n jobs to %1? Priority decides which pending job is submitted first.</source>
        <translation>
            <numerusform>Priorität von %n Job auf %1 setzen? Die Priorität bestimmt, welcher ausstehende Job zuerst übermittelt wird.</numerusform>
            <numerusform>Priorität von %n Jobs auf %1 setzen? Die Priorität bestimmt, welcher ausstehende Job zuerst übermittelt wird.</numerusform>
        </translation>
    </message>
    <message>
        <source>1 selected job will be left alone: its status does not allow it.</source>
        <translation>1 ausgewählter Job bleibt unverändert: sein Status erlaubt es nicht.</translation>
    </message>
    <message>
        <source>%1 selected jobs will be left alone: their status does not allow it.</source>
        <translation>%1 ausgewählte Jobs bleiben unverändert: ihr Status erlaubt es nicht.</translation>
    </message>
</context>
<context>
    <name>batchmon::AlertEventsModel</name>
    <message>
        <source>High error rate</source>
        <translation>Hohe Fehlerquote</translation>
    </message>
    <message>
        <source>Long processing time</source>
        <translation>Lange Verarbeitungszeit</translation>
    </message>
    <message>
        <source>Low throughput</source>
        <translation>Geringer Durchsatz</translation>
    </message>
    <message>
        <source>Batch failure</source>
        <translation>Batch-Fehlschlag</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <source>Resolved %1</source>
        <translation>Behoben %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Zuerst gesehen</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Acknowledged by</source>
        <translation>Bestätigt von</translation>
    </message>
</context>
<context>
    <name>batchmon::AlertMonitor</name>
    <message>
        <source>Acknowledged: %1</source>
        <translation>Bestätigt: %1</translation>
    </message>
</context>
<context>
    <name>batchmon::AlertsPage</name>
    <message>
        <source>Once, when it starts</source>
        <translation>Einmal, beim Auftreten</translation>
    </message>
    <message>
        <source>Hourly while active</source>
        <translation>Stündlich, solange aktiv</translation>
    </message>
    <message>
        <source>Daily while active</source>
        <translation>Täglich, solange aktiv</translation>
    </message>
    <message>
        <source>Error rate of the last 24 h above</source>
        <translation>Fehlerquote der letzten 24 h über</translation>
    </message>
    <message>
        <source>A job processing for longer than</source>
        <translation>Ein Job in Verarbeitung länger als</translation>
    </message>
    <message>
        <source>Throughput of the last 24 h below</source>
        <translation>Durchsatz der letzten 24 h unter</translation>
    </message>
    <message>
        <source>Completely failed batches in 24 h, at least</source>
        <translation>Vollständig fehlgeschlagene Batches in 24 h, mindestens</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>jobs per hour</source>
        <translation>Jobs pro Stunde</translation>
    </message>
    <message>
        <source>batches</source>
        <translation>Batches</translation>
    </message>
    <message>
        <source>Enter a percentage from 0 to 100.</source>
        <translation>Geben Sie einen Prozentwert von 0 bis 100 ein.</translation>
    </message>
    <message>
        <source>Enter minutes, from 0 to 43,200 (30 days).</source>
        <translation>Geben Sie Minuten ein, von 0 bis 43.200 (30 Tage).</translation>
    </message>
    <message>
        <source>Enter jobs per hour, 0 or more.</source>
        <translation>Geben Sie Jobs pro Stunde ein, 0 oder mehr.</translation>
    </message>
    <message>
        <source>Enter a whole number of batches from 1 to 1,000,000.</source>
        <translation>Geben Sie eine ganze Zahl von Batches von 1 bis 1.000.000 ein.</translation>
    </message>
    <message>
        <source>Unknown rule.</source>
        <translation>Unbekannte Regel.</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>Ü&amp;bernehmen</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>&amp;Zurücksetzen</translation>
    </message>
    <message>
        <source>Show &amp;resolved alerts too</source>
        <translation>Auch &amp;behobene Alarme anzeigen</translation>
    </message>
    <message>
        <source>Ac&amp;knowledge</source>
        <translation>Be&amp;stätigen</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <source>On</source>
        <translation>An</translation>
    </message>
    <message>
        <source>Fires when</source>
        <translation>Löst aus, wenn</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Schwelle</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Notify</source>
        <translation>Benachrichtigen</translation>
    </message>
    <message>
        <source>A disabled rule creates no alerts.</source>
        <translation>Eine deaktivierte Regel erzeugt keine Alarme.</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>&amp;Desktop notifications from this app</source>
        <translation>&amp;Desktop-Benachrichtigungen dieser App</translation>
    </message>
    <message>
        <source>The server&apos;s &amp;log</source>
        <translation>Das &amp;Log des Servers</translation>
    </message>
    <message>
        <source>A &amp;webhook:</source>
        <translation>Ein &amp;Webhook:</translation>
    </message>
    <message>
        <source>https://hooks.example.com/batchmon</source>
        <translation>https://hooks.example.com/batchmon</translation>
    </message>
    <message>
        <source>&amp;Quiet period after a notification, per rule:</source>
        <translation>&amp;Ruhezeit nach einer Benachrichtigung, je Regel:</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Within this many minutes of a notification for a rule, further notifications for it are skipped. At most a week.</source>
        <translation>Innerhalb so vieler Minuten nach einer Benachrichtigung für eine Regel werden weitere Benachrichtigungen für sie übersprungen. Höchstens eine Woche.</translation>
    </message>
    <message>
        <source>Would fire now with these rules</source>
        <translation>Würde mit diesen Regeln jetzt auslösen</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Alerts could not be read: %1</source>
        <translation>Alarme konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No alerts. All quiet.</source>
        <translation>Keine Alarme. Alles ruhig.</translation>
    </message>
    <message>
        <source>Loading the alert rules…</source>
        <translation>Alarmregeln werden geladen…</translation>
    </message>
    <message>
        <source>The alert rules could not be read: %1</source>
        <translation>Die Alarmregeln konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Enter the address the server posts alerts to, or turn the webhook off.</source>
        <translation>Geben Sie die Adresse ein, an die der Server Alarme sendet, oder schalten Sie den Webhook aus.</translation>
    </message>
    <message>
        <source>Enter an http or https address, for example https://hooks.example.com/batchmon.</source>
        <translation>Geben Sie eine http- oder https-Adresse ein, zum Beispiel https://hooks.example.com/batchmon.</translation>
    </message>
    <message>
        <source>Correct the values above to see what would fire.</source>
        <translation>Korrigieren Sie die Werte oben, um zu sehen, was auslösen würde.</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>Keine Vorschau: %1</translation>
    </message>
    <message>
        <source>● %1 — %2</source>
        <translation>● %1 — %2</translation>
    </message>
    <message>
        <source>%1 (job %2)</source>
        <translation>%1 (Job %2)</translation>
    </message>
    <message>
        <source>Nothing would fire now.</source>
        <translation>Jetzt würde nichts auslösen.</translation>
    </message>
    <message>
        <source>Read only: a viewer token cannot change alert rules or acknowledge alerts.</source>
        <translation>Nur Lesen: ein Viewer-Token kann keine Alarmregeln ändern oder Alarme bestätigen.</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Wird übernommen…</translation>
    </message>
    <message>
        <source>Applied. The rules shown are the source&apos;s.</source>
        <translation>Übernommen. Die angezeigten Regeln sind die der Quelle.</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Nicht übernommen: %1</translation>
    </message>
</context>
<context>
    <name>batchmon::ApiClient</name>
    <message>
        <source>Cannot read the CA file %1: %2</source>
        <translation>Die CA-Datei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The CA file %1 is larger than 1 MiB; it should hold a few PEM certificates.</source>
        <translation>Die CA-Datei %1 ist größer als 1 MiB; sie sollte einige PEM-Zertifikate enthalten.</translation>
    </message>
    <message>
        <source>The CA file %1 holds no PEM certificate (-----BEGIN CERTIFICATE-----).</source>
        <translation>Die CA-Datei %1 enthält kein PEM-Zertifikat (-----BEGIN CERTIFICATE-----).</translation>
    </message>
</context>
<context>
    <name>batchmon::ApiError</name>
    <message>
        <source>The server address is not valid. Enter it as https://host:port.</source>
        <translation>Die Serveradresse ist ungültig. Geben Sie sie als https://host:port ein.</translation>
    </message>
    <message>
        <source>The server address uses plain http, which would send the access token unencrypted. Use https, or allow unencrypted connections for this profile if the network is trusted.</source>
        <translation>Die Serveradresse verwendet unverschlüsseltes http, das Zugriffstoken würde unverschlüsselt gesendet. Verwenden Sie https, oder erlauben Sie für dieses Profil unverschlüsselte Verbindungen, wenn das Netzwerk vertrauenswürdig ist.</translation>
    </message>
    <message>
        <source>Cannot reach the server. Check the address, that batchmon-server is running, and the network connection.</source>
        <translation>Der Server ist nicht erreichbar. Prüfen Sie die Adresse, ob batchmon-server läuft, und die Netzwerkverbindung.</translation>
    </message>
    <message>
        <source>The server did not answer in time. It may be overloaded or the network may be slow; batchmon will try again.</source>
        <translation>Der Server hat nicht rechtzeitig geantwortet. Er ist vielleicht überlastet oder das Netzwerk langsam; batchmon versucht es erneut.</translation>
    </message>
    <message>
        <source>The secure connection failed: the server&apos;s certificate could not be verified. If the server uses its own certificate authority, add its CA file to the profile.</source>
        <translation>Die sichere Verbindung ist fehlgeschlagen: das Zertifikat des Servers konnte nicht geprüft werden. Verwendet der Server eine eigene Zertifizierungsstelle, fügen Sie deren CA-Datei dem Profil hinzu.</translation>
    </message>
    <message>
        <source>The server refused the access token. Enter a valid token in the profile (an admin can create one with &quot;batchmon-server token add NAME&quot;).</source>
        <translation>Der Server hat das Zugriffstoken abgelehnt. Geben Sie im Profil ein gültiges Token ein (ein Admin kann eines mit &quot;batchmon-server token add NAME&quot; erstellen).</translation>
    </message>
    <message>
        <source>This token may only view data. Ask an admin for a token with the admin role to do this.</source>
        <translation>Dieses Token darf Daten nur ansehen. Bitten Sie einen Admin um ein Token mit der Admin-Rolle, um dies zu tun.</translation>
    </message>
    <message>
        <source>Not found on the server: the job may have been purged, or the address is not a batchmon server.</source>
        <translation>Auf dem Server nicht gefunden: der Job wurde vielleicht gelöscht, oder die Adresse ist kein batchmon-Server.</translation>
    </message>
    <message>
        <source>The server refused the action in the job&apos;s current state.</source>
        <translation>Der Server hat die Aktion im aktuellen Zustand des Jobs abgelehnt.</translation>
    </message>
    <message numerus="yes">
        <source>Too many requests: the server asks to wait %n second(s) before trying again.</source>
        <translation>
            <numerusform>Zu viele Anfragen: der Server bittet, %n Sekunde zu warten, bevor es erneut versucht wird.</numerusform>
            <numerusform>Zu viele Anfragen: der Server bittet, %n Sekunden zu warten, bevor es erneut versucht wird.</numerusform>
        </translation>
    </message>
    <message>
        <source>Too many requests: the server asks to slow down.</source>
        <translation>Zu viele Anfragen: der Server bittet, langsamer zu werden.</translation>
    </message>
    <message>
        <source>The server refused the request.</source>
        <translation>Der Server hat die Anfrage abgelehnt.</translation>
    </message>
    <message>
        <source>The server had an internal error (HTTP %1). Try again later, or check the server&apos;s log.</source>
        <translation>Der Server hatte einen internen Fehler (HTTP %1). Versuchen Sie es später erneut, oder prüfen Sie das Log des Servers.</translation>
    </message>
    <message>
        <source>The server&apos;s answer is not a valid batch-monitoring response (%1). It may not be a batchmon server, or it speaks another version of the API.</source>
        <translation>Die Antwort des Servers ist keine gültige Batch-Monitoring-Antwort (%1). Es ist vielleicht kein batchmon-Server, oder er spricht eine andere Version der API.</translation>
    </message>
    <message>
        <source>The server&apos;s answer is larger than batchmon accepts. Ask for fewer jobs per page.</source>
        <translation>Die Antwort des Servers ist größer, als batchmon annimmt. Fordern Sie weniger Jobs pro Seite an.</translation>
    </message>
    <message>
        <source>The request was cancelled.</source>
        <translation>Die Anfrage wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>batchmon::ConfigPanel</name>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Read only: a viewer token cannot change the configuration.</source>
        <translation>Nur Lesen: ein Viewer-Token kann die Konfiguration nicht ändern.</translation>
    </message>
    <message>
        <source>Pause scheduler</source>
        <translation>Scheduler anhalten</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Batch configuration&lt;/b&gt;</source>
        <translation>&lt;b&gt;Batch-Konfiguration&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Scheduler</source>
        <translation>Scheduler</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Zeitplan</translation>
    </message>
    <message>
        <source>Batch processing</source>
        <translation>Batch-Verarbeitung</translation>
    </message>
    <message>
        <source>Off: no batches are built or submitted; jobs already at the provider are still polled.</source>
        <translation>Aus: es werden keine Batches gebildet oder übermittelt; Jobs, die bereits beim Anbieter sind, werden weiter abgefragt.</translation>
    </message>
    <message>
        <source>Create batches</source>
        <translation>Batches bilden</translation>
    </message>
    <message>
        <source>When pending requests are grouped into jobs and submitted.</source>
        <translation>Wann ausstehende Anfragen zu Jobs gruppiert und übermittelt werden.</translation>
    </message>
    <message>
        <source>Check status</source>
        <translation>Status prüfen</translation>
    </message>
    <message>
        <source>When submitted jobs are polled (and alerts evaluated).</source>
        <translation>Wann übermittelte Jobs abgefragt (und Alarme ausgewertet) werden.</translation>
    </message>
    <message>
        <source>Process results</source>
        <translation>Ergebnisse verarbeiten</translation>
    </message>
    <message>
        <source>When the results of finished jobs are processed.</source>
        <translation>Wann die Ergebnisse fertiger Jobs verarbeitet werden.</translation>
    </message>
    <message>
        <source>Cron form &quot;*/N * * * *&quot; (every N minutes) or &quot;N * * * *&quot; (hourly at minute N).</source>
        <translation>Cron-Form &quot;*/N * * * *&quot; (alle N Minuten) oder &quot;N * * * *&quot; (stündlich zur Minute N).</translation>
    </message>
    <message>
        <source>Batch size and limits</source>
        <translation>Batch-Größe und Grenzen</translation>
    </message>
    <message>
        <source>Maximum batch size</source>
        <translation>Maximale Batch-Größe</translation>
    </message>
    <message>
        <source>Requests per job, at most; 50,000 is the OpenAI per-batch limit. Affects only jobs built afterwards.</source>
        <translation>Anfragen pro Job, höchstens; 50.000 ist das OpenAI-Limit pro Batch. Gilt nur für danach gebildete Jobs.</translation>
    </message>
    <message>
        <source>Minimum batch size</source>
        <translation>Minimale Batch-Größe</translation>
    </message>
    <message>
        <source>Requests needed before a job is built; no more than the maximum batch size. Affects only jobs built afterwards.</source>
        <translation>Anfragen, die nötig sind, bevor ein Job gebildet wird; nicht mehr als die maximale Batch-Größe. Gilt nur für danach gebildete Jobs.</translation>
    </message>
    <message>
        <source>Batch timeout</source>
        <translation>Batch-Timeout</translation>
    </message>
    <message>
        <source>The completion window: a job not finished by then expires.</source>
        <translation>Das Abschlussfenster: ein bis dahin nicht fertiger Job läuft ab.</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>Überwachung</translation>
    </message>
    <message>
        <source>Keep history for</source>
        <translation>Historie aufbewahren für</translation>
    </message>
    <message>
        <source>Finished jobs, resolved alert events and audit entries older than this are deleted; unfinished jobs are kept.</source>
        <translation>Fertige Jobs, behobene Alarmereignisse und Audit-Einträge, die älter sind, werden gelöscht; unfertige Jobs bleiben erhalten.</translation>
    </message>
    <message>
        <source>Alert above error rate</source>
        <translation>Alarm über Fehlerquote</translation>
    </message>
    <message>
        <source>The high error rate alert fires when the error rate of the last 24 hours exceeds this; the same threshold as the alert rule&apos;s.</source>
        <translation>Der Alarm „Hohe Fehlerquote“ löst aus, wenn die Fehlerquote der letzten 24 Stunden diesen Wert übersteigt; dieselbe Schwelle wie die der Alarmregel.</translation>
    </message>
    <message>
        <source>Alert above processing time</source>
        <translation>Alarm über Verarbeitungszeit</translation>
    </message>
    <message>
        <source>The long processing time alert fires when a job takes longer than this (seconds, as the environment variable); the same threshold as the alert rule&apos;s.</source>
        <translation>Der Alarm „Lange Verarbeitungszeit“ löst aus, wenn ein Job länger dauert (Sekunden, wie die Umgebungsvariable); dieselbe Schwelle wie die der Alarmregel.</translation>
    </message>
    <message>
        <source>Changes apply from the next scheduler run.</source>
        <translation>Änderungen gelten ab dem nächsten Scheduler-Lauf.</translation>
    </message>
    <message>
        <source>Build and submit batches</source>
        <translation>Batches bilden und übermitteln</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source> requests</source>
        <translation> Anfragen</translation>
    </message>
    <message>
        <source> hours</source>
        <translation> Stunden</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source> seconds</source>
        <translation> Sekunden</translation>
    </message>
    <message>
        <source>Loading configuration…</source>
        <translation>Konfiguration wird geladen…</translation>
    </message>
    <message>
        <source>Scheduler state not known yet</source>
        <translation>Zustand des Schedulers noch unbekannt</translation>
    </message>
    <message>
        <source>%1: enter a number from %2 to %3</source>
        <translation>%1: geben Sie eine Zahl von %2 bis %3 ein</translation>
    </message>
    <message>
        <source>≈ %1 years</source>
        <translation>≈ %1 Jahre</translation>
    </message>
    <message>
        <source>Saving the configuration…</source>
        <translation>Konfiguration wird gespeichert…</translation>
    </message>
    <message>
        <source>Saved. The values shown are the server&apos;s; they apply from the next scheduler run.</source>
        <translation>Gespeichert. Die angezeigten Werte sind die des Servers; sie gelten ab dem nächsten Scheduler-Lauf.</translation>
    </message>
    <message>
        <source>It is shown after the next update from the server.</source>
        <translation>Er wird nach der nächsten Aktualisierung vom Server angezeigt.</translation>
    </message>
    <message>
        <source>Also paused by an admin. </source>
        <translation>Auch von einem Admin angehalten. </translation>
    </message>
    <message>
        <source>No batches are built or submitted; jobs already at the provider are still polled. Turn on batch processing below to start again.</source>
        <translation>Es werden keine Batches gebildet oder übermittelt; Jobs, die bereits beim Anbieter sind, werden weiter abgefragt. Schalten Sie unten die Batch-Verarbeitung ein, um wieder zu starten.</translation>
    </message>
    <message>
        <source>Jobs are still built (pending) but none is submitted. Jobs already at the provider continue: they are polled and their results processed.</source>
        <translation>Jobs werden weiter gebildet (ausstehend), aber keiner wird übermittelt. Jobs, die bereits beim Anbieter sind, laufen weiter: sie werden abgefragt und ihre Ergebnisse verarbeitet.</translation>
    </message>
    <message>
        <source>Jobs are built and submitted on the schedule below.</source>
        <translation>Jobs werden nach dem Zeitplan unten gebildet und übermittelt.</translation>
    </message>
    <message>
        <source>Resume scheduler</source>
        <translation>Scheduler fortsetzen</translation>
    </message>
    <message>
        <source>%1 (as of %2; the source cannot be reached now)</source>
        <translation>%1 (Stand %2; die Quelle ist gerade nicht erreichbar)</translation>
    </message>
    <message>
        <source>The scheduler is paused: no new jobs are submitted until it is resumed.</source>
        <translation>Der Scheduler ist angehalten: bis zum Fortsetzen werden keine neuen Jobs übermittelt.</translation>
    </message>
    <message>
        <source>The scheduler is running again.</source>
        <translation>Der Scheduler läuft wieder.</translation>
    </message>
    <message>
        <source>(The server said: %1)</source>
        <translation>(Der Server meldete: %1)</translation>
    </message>
    <message>
        <source>hourly at minute %1</source>
        <translation>stündlich zur Minute %1</translation>
    </message>
    <message>
        <source>every minute</source>
        <translation>jede Minute</translation>
    </message>
    <message>
        <source>every %1 minutes</source>
        <translation>alle %1 Minuten</translation>
    </message>
    <message>
        <source>Processing disabled in the configuration</source>
        <translation>Verarbeitung in der Konfiguration deaktiviert</translation>
    </message>
    <message>
        <source>Paused by an admin</source>
        <translation>Von einem Admin angehalten</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Pause the scheduler?

No new jobs are submitted to the provider until it is resumed; incoming requests are still grouped into pending jobs. Jobs already at the provider continue: they are polled and their results processed.</source>
        <translation>Scheduler anhalten?

Bis zum Fortsetzen werden keine neuen Jobs an den Anbieter übermittelt; eingehende Anfragen werden weiter zu ausstehenden Jobs gruppiert. Jobs, die bereits beim Anbieter sind, laufen weiter: sie werden abgefragt und ihre Ergebnisse verarbeitet.</translation>
    </message>
    <message>
        <source>Resume the scheduler?

Pending jobs are submitted to the provider again from the next scheduler run.</source>
        <translation>Scheduler fortsetzen?

Ausstehende Jobs werden ab dem nächsten Scheduler-Lauf wieder an den Anbieter übermittelt.</translation>
    </message>
    <message>
        <source>

Batch processing is disabled in the configuration, so nothing is submitted until it is turned on.</source>
        <translation>

Die Batch-Verarbeitung ist in der Konfiguration deaktiviert, daher wird nichts übermittelt, bis sie eingeschaltet wird.</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 Tag</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 Tage</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>%1 hours</source>
        <translation>%1 Stunden</translation>
    </message>
    <message>
        <source>1 minute</source>
        <translation>1 Minute</translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation>%1 Minuten</translation>
    </message>
    <message>
        <source>1 second</source>
        <translation>1 Sekunde</translation>
    </message>
    <message>
        <source>%1 seconds</source>
        <translation>%1 Sekunden</translation>
    </message>
    <message>
        <source>about %1</source>
        <translation>etwa %1</translation>
    </message>
    <message>
        <source>An OpenAI account watched directly: batchmon sends no batches here, it only reads the account&apos;s. What applies is how often the account is checked, how long its history is kept, and the alert thresholds.</source>
        <translation>Ein direkt überwachtes OpenAI-Konto: batchmon sendet hier keine Batches, es liest nur die des Kontos. Es gelten, wie oft das Konto geprüft wird, wie lange sein Verlauf aufbewahrt wird, und die Alarmschwellen.</translation>
    </message>
</context>
<context>
    <name>batchmon::ConnectDialog</name>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Allow unencrypted &amp;http</source>
        <translation>Unverschlüsseltes &amp;http erlauben</translation>
    </message>
    <message>
        <source>Over http the token travels in clear text: anyone who can watch the network can read it and use it. Allow this only on a network you trust.</source>
        <translation>Über http wird das Token im Klartext übertragen: wer das Netzwerk mitlesen kann, kann es lesen und verwenden. Erlauben Sie das nur in einem vertrauenswürdigen Netzwerk.</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Connect to a server</source>
        <translation>Mit einem Server verbinden</translation>
    </message>
    <message>
        <source>Edit server profile</source>
        <translation>Serverprofil bearbeiten</translation>
    </message>
    <message>
        <source>Connect to a batchmon-server. Its administrator gives you the address and an API token.</source>
        <translation>Mit einem batchmon-server verbinden. Sein Administrator gibt Ihnen die Adresse und ein API-Token.</translation>
    </message>
    <message>
        <source>e.g. Production</source>
        <translation>z. B. Produktion</translation>
    </message>
    <message>
        <source>Sh&amp;ow</source>
        <translation>&amp;Zeigen</translation>
    </message>
    <message>
        <source>Show the token as text</source>
        <translation>Das Token als Text zeigen</translation>
    </message>
    <message>
        <source>Optional: the server&apos;s CA certificate (PEM or DER)</source>
        <translation>Optional: das CA-Zertifikat des Servers (PEM oder DER)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Server &amp;URL:</source>
        <translation>Server-&amp;URL:</translation>
    </message>
    <message>
        <source>API to&amp;ken:</source>
        <translation>API-To&amp;ken:</translation>
    </message>
    <message>
        <source>CA &amp;file:</source>
        <translation>CA-&amp;Datei:</translation>
    </message>
    <message>
        <source>Hi&amp;de</source>
        <translation>&amp;Verbergen</translation>
    </message>
    <message>
        <source>Hide the token</source>
        <translation>Das Token verbergen</translation>
    </message>
    <message>
        <source>Keep the token for this session &amp;only</source>
        <translation>Token nur für diese Sitzung &amp;behalten</translation>
    </message>
    <message>
        <source>Reading the token…</source>
        <translation>Token wird gelesen…</translation>
    </message>
    <message>
        <source>The test was stopped because the settings changed. Test the connection again.</source>
        <translation>Der Test wurde gestoppt, weil sich die Einstellungen geändert haben. Testen Sie die Verbindung erneut.</translation>
    </message>
    <message>
        <source>The settings changed since the successful test. Test the connection again to save them.</source>
        <translation>Die Einstellungen haben sich seit dem erfolgreichen Test geändert. Testen Sie die Verbindung erneut, um sie zu speichern.</translation>
    </message>
    <message>
        <source>Choose the server&apos;s CA certificate</source>
        <translation>CA-Zertifikat des Servers wählen</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer *.der);;All files (*)</source>
        <translation>Zertifikate (*.pem *.crt *.cer *.der);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Enter the API token. An administrator creates one on the server with “batchmon-server token add NAME --role admin”.</source>
        <translation>Geben Sie das API-Token ein. Ein Administrator erstellt es auf dem Server mit „batchmon-server token add NAME --role admin“.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung zu %1…</translation>
    </message>
    <message>
        <source>1 job</source>
        <translation>1 Job</translation>
    </message>
    <message>
        <source>%1 jobs</source>
        <translation>%1 Jobs</translation>
    </message>
    <message>
        <source>Connected to %1 as %2 (admin): %3 in the last 24 hours.</source>
        <translation>Verbunden mit %1 als %2 (Admin): %3 in den letzten 24 Stunden.</translation>
    </message>
    <message>
        <source>Connected to %1 as %2 (viewer: read only): %3 in the last 24 hours.</source>
        <translation>Verbunden mit %1 als %2 (Viewer: nur Lesen): %3 in den letzten 24 Stunden.</translation>
    </message>
    <message>
        <source>Connected to %1: %2 in the last 24 hours.</source>
        <translation>Verbunden mit %1: %2 in den letzten 24 Stunden.</translation>
    </message>
    <message>
        <source>Saving was interrupted. Try again.</source>
        <translation>Das Speichern wurde unterbrochen. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>You can keep the token for this session only and enter it again after a restart.</source>
        <translation>Sie können das Token nur für diese Sitzung behalten und es nach einem Neustart erneut eingeben.</translation>
    </message>
    <message>
        <source>The profile “%1” was saved. %2</source>
        <translation>Das Profil „%1“ wurde gespeichert. %2</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>The server address is not valid%1. Enter it as https://host:port, for example %2.</source>
        <translation>Die Serveradresse ist ungültig%1. Geben Sie sie als https://host:port ein, zum Beispiel %2.</translation>
    </message>
    <message>
        <source>The address uses plain http to %1, so the token would travel unencrypted. Use https, or tick “Allow unencrypted http” if the network is trusted.</source>
        <translation>Die Adresse verwendet unverschlüsseltes http zu %1, das Token würde also unverschlüsselt übertragen. Verwenden Sie https, oder setzen Sie „Unverschlüsseltes http erlauben“, wenn das Netzwerk vertrauenswürdig ist.</translation>
    </message>
    <message>
        <source>The host name “%1” is not known. Check its spelling in the server address.</source>
        <translation>Der Hostname „%1“ ist unbekannt. Prüfen Sie seine Schreibweise in der Serveradresse.</translation>
    </message>
    <message>
        <source>Nothing accepts connections on %1, port %2. Check the port, and that batchmon-server is running there (it prints the address it listens on when it starts).</source>
        <translation>Auf %1, Port %2 nimmt nichts Verbindungen an. Prüfen Sie den Port und ob batchmon-server dort läuft (er gibt beim Start die Adresse aus, auf der er lauscht).</translation>
    </message>
    <message>
        <source>%1 closed the connection without answering. If the server uses TLS, the address must start with https://; otherwise check that port %2 belongs to batchmon-server.</source>
        <translation>%1 hat die Verbindung ohne Antwort geschlossen. Verwendet der Server TLS, muss die Adresse mit https:// beginnen; sonst prüfen Sie, ob Port %2 zu batchmon-server gehört.</translation>
    </message>
    <message>
        <source>Cannot reach %1, port %2%3. Check the address and port, that batchmon-server is running, and that no firewall or proxy blocks the connection.</source>
        <translation>%1, Port %2 ist nicht erreichbar%3. Prüfen Sie Adresse und Port, ob batchmon-server läuft und ob keine Firewall oder kein Proxy die Verbindung blockiert.</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 seconds. Check the address and port (a firewall may drop the connection silently), and that the server is not overloaded.</source>
        <translation>%1 hat nicht innerhalb von %2 Sekunden geantwortet. Prüfen Sie Adresse und Port (eine Firewall verwirft die Verbindung vielleicht stillschweigend) und ob der Server überlastet ist.</translation>
    </message>
    <message>
        <source>Even with the CA file %1, the server&apos;s certificate is not trusted%2. Choose the CA certificate that signed the server&apos;s certificate, and check that the address uses the host name the certificate was made for.</source>
        <translation>Auch mit der CA-Datei %1 wird dem Zertifikat des Servers nicht vertraut%2. Wählen Sie das CA-Zertifikat, das das Zertifikat des Servers signiert hat, und prüfen Sie, ob die Adresse den Hostnamen verwendet, für den das Zertifikat ausgestellt wurde.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted%1. If the server uses its own certificate authority or a self-signed certificate, choose that CA file under “CA file” and test again. If the server does not use TLS at all, use an http:// address instead.</source>
        <translation>Dem Zertifikat des Servers wird nicht vertraut%1. Verwendet der Server eine eigene Zertifizierungsstelle oder ein selbstsigniertes Zertifikat, wählen Sie diese CA-Datei unter „CA-Datei“ und testen Sie erneut. Verwendet der Server gar kein TLS, nehmen Sie stattdessen eine http://-Adresse.</translation>
    </message>
    <message>
        <source>The server refused the token: it is wrong, or it was revoked. Check that it was copied whole, or have an administrator create a new one on the server with “batchmon-server token add NAME --role admin”.</source>
        <translation>Der Server hat das Token abgelehnt: es ist falsch oder wurde widerrufen. Prüfen Sie, ob es vollständig kopiert wurde, oder lassen Sie einen Administrator auf dem Server mit „batchmon-server token add NAME --role admin“ ein neues erstellen.</translation>
    </message>
    <message>
        <source>The server knows the token but does not let it read the dashboard (HTTP 403). Ask an administrator for a token with the viewer or admin role.</source>
        <translation>Der Server kennt das Token, erlaubt ihm aber nicht, das Dashboard zu lesen (HTTP 403). Bitten Sie einen Administrator um ein Token mit der Rolle viewer oder admin.</translation>
    </message>
    <message>
        <source>%1 answers, but not as a batchmon-server: it has no batch-monitoring API at this address (HTTP 404). Check the address: the server&apos;s root (for example %2), without /api/…</source>
        <translation>%1 antwortet, aber nicht als batchmon-server: unter dieser Adresse gibt es keine Batch-Monitoring-API (HTTP 404). Prüfen Sie die Adresse: die Wurzel des Servers (zum Beispiel %2), ohne /api/…</translation>
    </message>
    <message>
        <source>The answer from %1 is not batchmon&apos;s API%2. The address may point to another web service, or a proxy changes the answers. Check the address and port.</source>
        <translation>Die Antwort von %1 ist nicht die API von batchmon%2. Die Adresse zeigt vielleicht auf einen anderen Webdienst, oder ein Proxy verändert die Antworten. Prüfen Sie Adresse und Port.</translation>
    </message>
    <message>
        <source>The server had an internal error (HTTP %1)%2. Check the server&apos;s log; HTTP 503 usually means it cannot reach its database.</source>
        <translation>Der Server hatte einen internen Fehler (HTTP %1)%2. Prüfen Sie das Log des Servers; HTTP 503 bedeutet meist, dass er seine Datenbank nicht erreicht.</translation>
    </message>
    <message>
        <source>The server limits the requests of this token. Wait %1 seconds and test again.</source>
        <translation>Der Server begrenzt die Anfragen dieses Tokens. Warten Sie %1 Sekunden und testen Sie erneut.</translation>
    </message>
    <message>
        <source>The test was stopped.</source>
        <translation>Der Test wurde gestoppt.</translation>
    </message>
    <message>
        <source>batchmon se&amp;rver</source>
        <translation>batchmon-Se&amp;rver</translation>
    </message>
    <message>
        <source>Open&amp;AI account</source>
        <translation>Open&amp;AI-Konto</translation>
    </message>
    <message>
        <source>A batchmon-server that runs the pipeline; its administrator gives you the address and an API token.</source>
        <translation>Ein batchmon-server, der die Pipeline betreibt; sein Administrator gibt Ihnen die Adresse und ein API-Token.</translation>
    </message>
    <message>
        <source>An OpenAI organisation, watched by batchmon itself on this computer with the organisation&apos;s API key.</source>
        <translation>Eine OpenAI-Organisation, die batchmon selbst auf diesem Computer mit dem API-Schlüssel der Organisation überwacht.</translation>
    </message>
    <message>
        <source>Connect to:</source>
        <translation>Verbinden mit:</translation>
    </message>
    <message>
        <source>Reading the API key…</source>
        <translation>API-Schlüssel wird gelesen…</translation>
    </message>
    <message>
        <source>Edit OpenAI account profile</source>
        <translation>Profil des OpenAI-Kontos bearbeiten</translation>
    </message>
    <message>
        <source>Connect to an OpenAI account</source>
        <translation>Mit einem OpenAI-Konto verbinden</translation>
    </message>
    <message>
        <source>Monitors the organisation&apos;s batches directly — no batchmon-server needed. Costs are estimates at OpenAI&apos;s list prices.</source>
        <translation>Überwacht die Batches der Organisation direkt — ohne batchmon-server. Die Kosten sind Schätzungen zu den Listenpreisen von OpenAI.</translation>
    </message>
    <message>
        <source>API base &amp;URL:</source>
        <translation>API-Basis-&amp;URL:</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API-Sch&amp;lüssel:</translation>
    </message>
    <message>
        <source>Hide the API key</source>
        <translation>Den API-Schlüssel verbergen</translation>
    </message>
    <message>
        <source>Show the API key as text</source>
        <translation>Den API-Schlüssel als Text zeigen</translation>
    </message>
    <message>
        <source>Keep the key for this session &amp;only</source>
        <translation>Schlüssel nur für diese Sitzung &amp;behalten</translation>
    </message>
    <message>
        <source>Over http the API key travels in clear text: anyone who can watch the network can read it and spend the account&apos;s money. Allow this only on a network you trust.</source>
        <translation>Über http wird der API-Schlüssel im Klartext übertragen: wer das Netzwerk mitlesen kann, kann ihn lesen und das Geld des Kontos ausgeben. Erlauben Sie das nur in einem vertrauenswürdigen Netzwerk.</translation>
    </message>
    <message>
        <source>Enter the OpenAI API key (it starts with “sk-”). Create one in the OpenAI dashboard under API keys.</source>
        <translation>Geben Sie den OpenAI-API-Schlüssel ein (er beginnt mit „sk-“). Sie erstellen ihn im OpenAI-Dashboard unter „API keys“.</translation>
    </message>
    <message>
        <source>The API base URL uses plain http to %1, so the API key would travel unencrypted. Use https, or tick “Allow unencrypted http” if the network is trusted.</source>
        <translation>Die API-Basis-URL verwendet unverschlüsseltes http zu %1, der API-Schlüssel würde also unverschlüsselt übertragen. Verwenden Sie https, oder setzen Sie „Unverschlüsseltes http erlauben“, wenn das Netzwerk vertrauenswürdig ist.</translation>
    </message>
    <message>
        <source>Reading the batches of the account at %1…</source>
        <translation>Batches des Kontos bei %1 werden gelesen…</translation>
    </message>
    <message>
        <source>Connected to %1: the API key works; the account has no batches yet.</source>
        <translation>Verbunden mit %1: der API-Schlüssel funktioniert; das Konto hat noch keine Batches.</translation>
    </message>
    <message>
        <source>Connected to %1: the API key can read the account&apos;s batches (%2 listed).</source>
        <translation>Verbunden mit %1: der API-Schlüssel kann die Batches des Kontos lesen (%2 aufgelistet).</translation>
    </message>
    <message>
        <source>more than %1</source>
        <translation>mehr als %1</translation>
    </message>
    <message>
        <source>You can keep the key for this session only and enter it again after a restart.</source>
        <translation>Sie können den Schlüssel nur für diese Sitzung behalten und ihn nach einem Neustart erneut eingeben.</translation>
    </message>
</context>
<context>
    <name>batchmon::CredentialResult</name>
    <message>
        <source>The token could not be handled because of an internal error.</source>
        <translation>Das Token konnte wegen eines internen Fehlers nicht verarbeitet werden.</translation>
    </message>
    <message>
        <source>No API token is stored for this connection. Enter the token in the connection settings.</source>
        <translation>Für diese Verbindung ist kein API-Token gespeichert. Geben Sie das Token in den Verbindungseinstellungen ein.</translation>
    </message>
    <message>
        <source>The system keychain refused access to the API token. Unlock the keychain (or allow batchmon to use it) and try again.</source>
        <translation>Der Schlüsselbund des Systems hat den Zugriff auf das API-Token verweigert. Entsperren Sie den Schlüsselbund (oder erlauben Sie batchmon den Zugriff) und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>No system keychain is available (is gnome-keyring or KWallet running?). Start one and try again.</source>
        <translation>Kein Schlüsselbund des Systems verfügbar (läuft gnome-keyring oder KWallet?). Starten Sie einen und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The system keychain reported an error. Try again; if it keeps failing, restart the keychain service.</source>
        <translation>Der Schlüsselbund des Systems hat einen Fehler gemeldet. Versuchen Sie es erneut; schlägt es weiter fehl, starten Sie den Schlüsselbund-Dienst neu.</translation>
    </message>
    <message>
        <source>The system keychain reported an error: %1. Try again; if it keeps failing, restart the keychain service.</source>
        <translation>Der Schlüsselbund des Systems hat einen Fehler gemeldet: %1. Versuchen Sie es erneut; schlägt es weiter fehl, starten Sie den Schlüsselbund-Dienst neu.</translation>
    </message>
</context>
<context>
    <name>batchmon::DashboardFigures</name>
    <message>
        <source> vs previous %1</source>
        <translation> ggü. vorherigem Zeitraum (%1)</translation>
    </message>
    <message>
        <source> points</source>
        <translation> Punkte</translation>
    </message>
    <message>
        <source>No finished requests in this range</source>
        <translation>Keine fertigen Anfragen in diesem Zeitraum</translation>
    </message>
    <message>
        <source> % vs individual API</source>
        <translation> % ggü. Einzel-API</translation>
    </message>
    <message>
        <source>No finished jobs in this range</source>
        <translation>Keine fertigen Jobs in diesem Zeitraum</translation>
    </message>
</context>
<context>
    <name>batchmon::DashboardView</name>
    <message>
        <source>◀ &amp;Newer</source>
        <translation>◀ &amp;Neuere</translation>
    </message>
    <message>
        <source>&amp;Older ▶</source>
        <translation>Ä&amp;ltere ▶</translation>
    </message>
    <message>
        <source>T&amp;ime range:</source>
        <translation>&amp;Zeitraum:</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Total Jobs</source>
        <translation>Jobs gesamt</translation>
    </message>
    <message>
        <source>Success Rate</source>
        <translation>Erfolgsquote</translation>
    </message>
    <message>
        <source>Cost Savings</source>
        <translation>Kostenersparnis</translation>
    </message>
    <message>
        <source>Average Processing Time</source>
        <translation>Mittlere Verarbeitungszeit</translation>
    </message>
    <message>
        <source>Error Rate</source>
        <translation>Fehlerquote</translation>
    </message>
    <message>
        <source>&amp;Activity</source>
        <translation>&amp;Aktivität</translation>
    </message>
    <message>
        <source>&amp;Errors and resources</source>
        <translation>&amp;Fehler und Ressourcen</translation>
    </message>
    <message>
        <source>&amp;Recorded</source>
        <translation>Auf&amp;gezeichnet</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Filters the job table. The cards and charts cover every status; the job type filter narrows them too.</source>
        <translation>Filtert die Job-Tabelle. Karten und Diagramme umfassen jeden Status; der Job-Typ-Filter schränkt auch sie ein.</translation>
    </message>
    <message>
        <source>All job types</source>
        <translation>Alle Job-Typen</translation>
    </message>
    <message>
        <source>Search job or batch id on this page (Ctrl+F)</source>
        <translation>Job- oder Batch-ID auf dieser Seite suchen (Strg+F)</translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation>&amp;Status:</translation>
    </message>
    <message>
        <source>Job t&amp;ype:</source>
        <translation>Job-T&amp;yp:</translation>
    </message>
    <message>
        <source>Newer jobs (Alt+Page Up)</source>
        <translation>Neuere Jobs (Alt+Bild auf)</translation>
    </message>
    <message>
        <source>Older jobs (Alt+Page Down)</source>
        <translation>Ältere Jobs (Alt+Bild ab)</translation>
    </message>
    <message>
        <source>Sorting orders the jobs on this page; the pages follow creation time, newest first.</source>
        <translation>Die Sortierung ordnet die Jobs dieser Seite; die Seiten folgen der Erstellungszeit, neueste zuerst.</translation>
    </message>
    <message>
        <source>&amp;Retry…</source>
        <translation>&amp;Wiederholen…</translation>
    </message>
    <message>
        <source>&amp;Cancel…</source>
        <translation>Ab&amp;brechen…</translation>
    </message>
    <message>
        <source>&amp;Pause…</source>
        <translation>An&amp;halten…</translation>
    </message>
    <message>
        <source>Res&amp;ume…</source>
        <translation>&amp;Fortsetzen…</translation>
    </message>
    <message>
        <source>Priorit&amp;y</source>
        <translation>Priorit&amp;ät</translation>
    </message>
    <message>
        <source>&amp;Urgent</source>
        <translation>&amp;Dringend</translation>
    </message>
    <message>
        <source>&amp;High</source>
        <translation>&amp;Hoch</translation>
    </message>
    <message>
        <source>&amp;Normal</source>
        <translation>&amp;Normal</translation>
    </message>
    <message>
        <source>&amp;Low</source>
        <translation>&amp;Niedrig</translation>
    </message>
    <message>
        <source>Retry &amp;all failed jobs in this view…</source>
        <translation>&amp;Alle fehlgeschlagenen Jobs dieser Ansicht wiederholen…</translation>
    </message>
    <message>
        <source>The figures below are from then.</source>
        <translation>Die Werte unten stammen von damals.</translation>
    </message>
    <message>
        <source>Try now</source>
        <translation>Jetzt versuchen</translation>
    </message>
    <message>
        <source>Edit the connection…</source>
        <translation>Verbindung bearbeiten…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>No data yet.
%1</source>
        <translation>Noch keine Daten.
%1</translation>
    </message>
    <message>
        <source>No job on this page matches “%1”.</source>
        <translation>Kein Job auf dieser Seite passt zu „%1“.</translation>
    </message>
    <message>
        <source>No jobs with this status and job type in the range.
Choose “All statuses” or a longer time range.</source>
        <translation>Keine Jobs mit diesem Status und Job-Typ im Zeitraum.
Wählen Sie „Alle Status“ oder einen längeren Zeitraum.</translation>
    </message>
    <message>
        <source>No jobs in this time range.
Jobs appear here as soon as the pipeline builds them; try a longer range.</source>
        <translation>Keine Jobs in diesem Zeitraum.
Jobs erscheinen hier, sobald die Pipeline sie bildet; versuchen Sie einen längeren Zeitraum.</translation>
    </message>
    <message>
        <source>Recording: local history is kept while connected to a server. On this range a point stands for %1 of recording; the trend appears once two are recorded.</source>
        <translation>Aufzeichnung: lokale Historie wird geführt, solange eine Verbindung zu einem Server besteht. In diesem Zeitraum steht ein Punkt für %1 Aufzeichnung; der Verlauf erscheint, sobald zwei aufgezeichnet sind.</translation>
    </message>
    <message>
        <source>Local history is unavailable, so nothing is recorded: %1</source>
        <translation>Lokale Historie ist nicht verfügbar, daher wird nichts aufgezeichnet: %1</translation>
    </message>
    <message>
        <source>Local history is recorded while connected to a server: queue depth and success rate over time appear here. The demo workspace keeps its own.</source>
        <translation>Lokale Historie wird aufgezeichnet, solange eine Verbindung zu einem Server besteht: Warteschlangentiefe und Erfolgsquote im Zeitverlauf erscheinen hier. Der Demo-Arbeitsbereich führt seine eigene.</translation>
    </message>
    <message>
        <source>Page %1 of %2 · %3 jobs</source>
        <translation>Seite %1 von %2 · %3 Jobs</translation>
    </message>
    <message>
        <source> (sorted within the page)</source>
        <translation> (innerhalb der Seite sortiert)</translation>
    </message>
    <message>
        <source>Select one or more jobs in the table first.</source>
        <translation>Wählen Sie zuerst einen oder mehrere Jobs in der Tabelle aus.</translation>
    </message>
    <message>
        <source>The selected jobs&apos; statuses do not allow this.</source>
        <translation>Der Status der ausgewählten Jobs erlaubt dies nicht.</translation>
    </message>
    <message>
        <source>Every failed or expired job of this range and filters, on all pages.</source>
        <translation>Jeder fehlgeschlagene oder abgelaufene Job dieses Zeitraums und dieser Filter, auf allen Seiten.</translation>
    </message>
    <message>
        <source>No job selected</source>
        <translation>Kein Job ausgewählt</translation>
    </message>
    <message>
        <source>1 job selected:</source>
        <translation>1 Job ausgewählt:</translation>
    </message>
    <message>
        <source>%1 jobs selected:</source>
        <translation>%1 Jobs ausgewählt:</translation>
    </message>
    <message>
        <source>&amp;Details…</source>
        <translation>&amp;Details…</translation>
    </message>
    <message>
        <source>%1 the job</source>
        <translation>%1: der Job</translation>
    </message>
    <message>
        <source>%1 %2 jobs</source>
        <translation>%1: %2 Jobs</translation>
    </message>
    <message>
        <source>Leave as it is</source>
        <translation>Unverändert lassen</translation>
    </message>
    <message>
        <source>%1: %2 of %3 jobs…</source>
        <translation>%1: %2 von %3 Jobs…</translation>
    </message>
    <message>
        <source>%1 is retried as %2.</source>
        <translation>%1 wird als %2 wiederholt.</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 ist jetzt %2.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: %2 of %3 jobs done.</source>
        <translation>%1: %2 von %3 Jobs erledigt.</translation>
    </message>
    <message>
        <source>1 had been retried before; its retry is the one to watch.</source>
        <translation>1 wurde bereits zuvor wiederholt; seine Wiederholung ist die, die zu beobachten ist.</translation>
    </message>
    <message>
        <source>%1 had been retried before; their retries are the ones to watch.</source>
        <translation>%1 wurden bereits zuvor wiederholt; ihre Wiederholungen sind die, die zu beobachten sind.</translation>
    </message>
    <message>
        <source>%1 refused, the first: %2</source>
        <translation>%1 abgelehnt, der erste: %2</translation>
    </message>
    <message>
        <source>%1 not sent after that error.</source>
        <translation>%1 nach diesem Fehler nicht gesendet.</translation>
    </message>
    <message>
        <source>Looking for failed jobs in this view…</source>
        <translation>Fehlgeschlagene Jobs in dieser Ansicht werden gesucht…</translation>
    </message>
    <message>
        <source>The failed jobs could not be listed: %1</source>
        <translation>Die fehlgeschlagenen Jobs konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>There are no failed jobs in this view.</source>
        <translation>In dieser Ansicht gibt es keine fehlgeschlagenen Jobs.</translation>
    </message>
</context>
<context>
    <name>batchmon::Database</name>
    <message>
        <source>%1: no file named after &quot;sqlite:&quot;</source>
        <translation>%1: kein Dateiname nach &quot;sqlite:&quot;</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the database</source>
        <translation>Der Ordner %1 für die Datenbank kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>%1: expected postgresql://user:password@host:port/database</source>
        <translation>%1: erwartet postgresql://user:password@host:port/database</translation>
    </message>
    <message>
        <source>%1: the database must be sqlite:PATH or postgresql://user:password@host/db</source>
        <translation>%1: die Datenbank muss sqlite:PFAD oder postgresql://user:password@host/db sein</translation>
    </message>
    <message>
        <source>%1: the Qt SQL driver is missing (install libqt6sql6-sqlite or libqt6sql6-psql)</source>
        <translation>%1: der Qt-SQL-Treiber fehlt (installieren Sie libqt6sql6-sqlite oder libqt6sql6-psql)</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Die Datenbank %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Cannot start a transaction: %1</source>
        <translation>Transaktion kann nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>The transaction was rolled back by an inner failure</source>
        <translation>Die Transaktion wurde durch einen inneren Fehler zurückgerollt</translation>
    </message>
    <message>
        <source>Cannot commit: %1</source>
        <translation>Commit nicht möglich: %1</translation>
    </message>
    <message>
        <source>The database is at schema version %1, newer than this program knows (%2). Use a newer batchmon.</source>
        <translation>Die Datenbank hat Schemaversion %1, neuer als dieses Programm kennt (%2). Verwenden Sie ein neueres batchmon.</translation>
    </message>
    <message>
        <source>Migration to version %1 failed: %2</source>
        <translation>Migration auf Version %1 fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>batchmon::DesktopNotifier</name>
    <message>
        <source>batchmon — no active alerts</source>
        <translation>batchmon — keine aktiven Alarme</translation>
    </message>
    <message>
        <source>batchmon — 1 active alert</source>
        <translation>batchmon — 1 aktiver Alarm</translation>
    </message>
    <message>
        <source>batchmon — %1 active alerts</source>
        <translation>batchmon — %1 aktive Alarme</translation>
    </message>
    <message>
        <source>%1 alert: %2</source>
        <translation>Alarm %1: %2</translation>
    </message>
    <message>
        <source>%1 (job %2)</source>
        <translation>%1 (Job %2)</translation>
    </message>
    <message>
        <source>%1 new alerts</source>
        <translation>%1 neue Alarme</translation>
    </message>
    <message>
        <source>… and %1 more in the Alerts page.</source>
        <translation>… und %1 weitere auf der Seite Alarme.</translation>
    </message>
</context>
<context>
    <name>batchmon::ErrorBreakdownChart</name>
    <message>
        <source>Failed requests</source>
        <translation>Fehlgeschlagene Anfragen</translation>
    </message>
    <message>
        <source>Errors by code</source>
        <translation>Fehler nach Code</translation>
    </message>
    <message>
        <source>failed requests</source>
        <translation>fehlgeschlagene Anfragen</translation>
    </message>
    <message>
        <source>%1: %2 failed requests</source>
        <translation>%1: %2 fehlgeschlagene Anfragen</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation>Noch keine Daten</translation>
    </message>
    <message>
        <source>other codes</source>
        <translation>andere Codes</translation>
    </message>
    <message>
        <source>No failed requests in this range</source>
        <translation>Keine fehlgeschlagenen Anfragen in diesem Zeitraum</translation>
    </message>
</context>
<context>
    <name>batchmon::ExportCollector</name>
    <message>
        <source>could not create %1: %2. Choose a folder you can write to.</source>
        <translation>%1 konnte nicht angelegt werden: %2. Wählen Sie einen Ordner, in den Sie schreiben dürfen.</translation>
    </message>
    <message>
        <source>could not save %1: %2. Check that the disk has free space and try again.</source>
        <translation>%1 konnte nicht gespeichert werden: %2. Prüfen Sie, ob auf dem Datenträger Platz frei ist, und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>the export was cancelled; no file was written</source>
        <translation>der Export wurde abgebrochen; es wurde keine Datei geschrieben</translation>
    </message>
    <message>
        <source>the connection was closed before the export finished</source>
        <translation>die Verbindung wurde geschlossen, bevor der Export fertig war</translation>
    </message>
    <message>
        <source>page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <source>page %1</source>
        <translation>Seite %1</translation>
    </message>
    <message>
        <source>The export gave up on %1 after %2 attempts.</source>
        <translation>Der Export hat %1 nach %2 Versuchen aufgegeben.</translation>
    </message>
    <message>
        <source>That is longer than an export waits; the export stopped at %1. Run it again later.</source>
        <translation>So lange wartet ein Export nicht; der Export hat bei %1 aufgehört. Führen Sie ihn später erneut aus.</translation>
    </message>
    <message>
        <source>could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a readable export: %2</source>
        <translation>%1 ist kein lesbarer Export: %2</translation>
    </message>
    <message>
        <source>%1 changed while it was read: %2</source>
        <translation>%1 hat sich beim Lesen geändert: %2</translation>
    </message>
</context>
<context>
    <name>batchmon::ExportReader</name>
    <message>
        <source>byte %1</source>
        <translation>Byte %1</translation>
    </message>
    <message>
        <source>the file ends here; expected %1 (is it truncated?)</source>
        <translation>die Datei endet hier; %1 wurde erwartet (ist sie abgeschnitten?)</translation>
    </message>
    <message>
        <source>expected %1</source>
        <translation>%1 erwartet</translation>
    </message>
    <message>
        <source>the file ends here (is it truncated?)</source>
        <translation>die Datei endet hier (ist sie abgeschnitten?)</translation>
    </message>
    <message>
        <source>expected &apos;,&apos; or &apos;%1&apos;</source>
        <translation>&apos;,&apos; oder &apos;%1&apos; erwartet</translation>
    </message>
    <message>
        <source>the file ends here; expected a value (is it truncated?)</source>
        <translation>die Datei endet hier; ein Wert wurde erwartet (ist sie abgeschnitten?)</translation>
    </message>
    <message>
        <source>the file ends in the middle of this value (is it truncated?)</source>
        <translation>die Datei endet mitten in diesem Wert (ist sie abgeschnitten?)</translation>
    </message>
    <message>
        <source>a value larger than %1 MiB; this is not an export</source>
        <translation>ein Wert größer als %1 MiB; das ist kein Export</translation>
    </message>
    <message>
        <source>invalid JSON: %1</source>
        <translation>ungültiges JSON: %1</translation>
    </message>
    <message>
        <source>the file ends here; expected a key (is it truncated?)</source>
        <translation>die Datei endet hier; ein Schlüssel wurde erwartet (ist sie abgeschnitten?)</translation>
    </message>
    <message>
        <source>expected a key in double quotes</source>
        <translation>ein Schlüssel in doppelten Anführungszeichen wurde erwartet</translation>
    </message>
    <message>
        <source>data is empty</source>
        <translation>data ist leer</translation>
    </message>
    <message>
        <source>the key is given twice</source>
        <translation>der Schlüssel ist doppelt angegeben</translation>
    </message>
    <message>
        <source>stopped before the end of the file</source>
        <translation>vor dem Ende der Datei angehalten</translation>
    </message>
    <message>
        <source>there is no jobs array</source>
        <translation>es gibt kein jobs-Array</translation>
    </message>
    <message>
        <source>unexpected bytes after the end of the export</source>
        <translation>unerwartete Bytes nach dem Ende des Exports</translation>
    </message>
    <message>
        <source>expected &quot;success&quot;: true</source>
        <translation>&quot;success&quot;: true erwartet</translation>
    </message>
    <message>
        <source>there is no data object</source>
        <translation>es gibt kein data-Objekt</translation>
    </message>
    <message>
        <source>the file has changed since it was opened</source>
        <translation>die Datei hat sich seit dem Öffnen geändert</translation>
    </message>
    <message>
        <source>could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
</context>
<context>
    <name>batchmon::ExportText</name>
    <message>
        <source> (page %1 of %2)</source>
        <translation> (Seite %1 von %2)</translation>
    </message>
    <message>
        <source> (page %1)</source>
        <translation> (Seite %1)</translation>
    </message>
    <message>
        <source>the server&apos;s rate limit: waiting %1 s%2…</source>
        <translation>Ratenbegrenzung des Servers: warte %1 s%2…</translation>
    </message>
    <message>
        <source>%1 Trying again in %2 s%3…</source>
        <translation>%1 Neuer Versuch in %2 s%3…</translation>
    </message>
    <message>
        <source>batchmon export: %1 jobs written</source>
        <translation>batchmon export: %1 Jobs geschrieben</translation>
    </message>
    <message>
        <source>the server refused the API token (HTTP 401): it is wrong, or it was revoked. %1</source>
        <translation>der Server hat das API-Token abgelehnt (HTTP 401): es ist falsch oder wurde widerrufen. %1</translation>
    </message>
    <message>
        <source>%1 answers, but has no batchmon API there (HTTP 404). Give the server&apos;s root address, for example https://batchmon.example.com:8443.</source>
        <translation>%1 antwortet, hat dort aber keine batchmon-API (HTTP 404). Geben Sie die Stammadresse des Servers an, zum Beispiel https://batchmon.example.com:8443.</translation>
    </message>
    <message>
        <source>could not read the token of profile &quot;%1&quot;: the keychain cannot be reached from this session (no D-Bus session, as over SSH). Set BATCHMON_TOKEN, or run the export from the desktop session.</source>
        <translation>das Token des Profils „%1“ konnte nicht gelesen werden: der Schlüsselbund ist aus dieser Sitzung nicht erreichbar (keine D-Bus-Sitzung, wie über SSH). Setzen Sie BATCHMON_TOKEN oder starten Sie den Export aus der Desktop-Sitzung.</translation>
    </message>
    <message>
        <source>no API token is stored in the keychain for profile &quot;%1&quot;. Set BATCHMON_TOKEN, or save the token in the app (File &gt; Connect to a server).</source>
        <translation>im Schlüsselbund ist kein API-Token für das Profil „%1“ gespeichert. Setzen Sie BATCHMON_TOKEN oder speichern Sie das Token in der App (Datei &gt; Mit einem Server verbinden).</translation>
    </message>
    <message>
        <source>the keychain refused access to the token of profile &quot;%1&quot; (is it locked?). Unlock it, or set BATCHMON_TOKEN.</source>
        <translation>der Schlüsselbund hat den Zugriff auf das Token des Profils „%1“ verweigert (ist er gesperrt?). Entsperren Sie ihn oder setzen Sie BATCHMON_TOKEN.</translation>
    </message>
    <message>
        <source>could not read the token of profile &quot;%1&quot;: %2 Or set BATCHMON_TOKEN.</source>
        <translation>das Token des Profils „%1“ konnte nicht gelesen werden: %2 Oder setzen Sie BATCHMON_TOKEN.</translation>
    </message>
    <message>
        <source>Exports every job of a view without a display.
A URL source reads its API token from the environment variable BATCHMON_TOKEN; a profile
source from the keychain, or from BATCHMON_TOKEN when it is set (the keychain cannot be
reached over SSH).
pdf is a report: the metric cards, the charts, the top errors and the first 5,000 jobs;
json and csv hold every job.
When the server&apos;s rate limit refuses a page, the export waits as the server asks (up to
120 s) and goes on.</source>
        <translation>Exportiert alle Jobs einer Ansicht ohne Bildschirm.
Eine URL-Quelle liest ihr API-Token aus der Umgebungsvariablen BATCHMON_TOKEN, eine
Profil-Quelle aus dem Schlüsselbund oder aus BATCHMON_TOKEN, wenn gesetzt (der Schlüsselbund
ist über SSH nicht erreichbar).
pdf ist ein Bericht: die Kennzahlen, die Diagramme, die häufigsten Fehler und die ersten
5.000 Jobs; json und csv enthalten alle Jobs.
Lehnt die Ratenbegrenzung des Servers eine Seite ab, wartet der Export so lange, wie der Server
verlangt (bis zu 120 s), und macht dann weiter.</translation>
    </message>
    <message>
        <source>The command.</source>
        <translation>Der Befehl.</translation>
    </message>
    <message>
        <source>demo, a server profile&apos;s name, a server URL (its root; a trailing /api is dropped), or a JSON export file.</source>
        <translation>demo, der Name eines Serverprofils, eine Server-URL (ihre Stammadresse; ein abschließendes /api wird entfernt) oder eine JSON-Exportdatei.</translation>
    </message>
    <message>
        <source>1h, 24h, 7d or 30d (default: 24h). A file keeps its own range.</source>
        <translation>1h, 24h, 7d oder 30d (Standard: 24h). Eine Datei behält ihren eigenen Zeitraum.</translation>
    </message>
    <message>
        <source>Only jobs in this status: %1.</source>
        <translation>Nur Jobs in diesem Status: %1.</translation>
    </message>
    <message>
        <source>Only jobs of this type.</source>
        <translation>Nur Jobs dieses Typs.</translation>
    </message>
    <message>
        <source>json, csv or pdf.</source>
        <translation>json, csv oder pdf.</translation>
    </message>
    <message>
        <source>The file to write.</source>
        <translation>Die zu schreibende Datei.</translation>
    </message>
    <message>
        <source>Run batchmon export --help for usage.</source>
        <translation>Aufruf: siehe batchmon export --help.</translation>
    </message>
    <message>
        <source>--source, --format and --output are required. Run batchmon export --help for usage.</source>
        <translation>--source, --format und --output sind erforderlich. Aufruf: siehe batchmon export --help.</translation>
    </message>
    <message>
        <source>unknown format &quot;%1&quot;: use json, csv or pdf.</source>
        <translation>unbekanntes Format „%1“: verwenden Sie json, csv oder pdf.</translation>
    </message>
    <message>
        <source>unknown time range &quot;%1&quot;: use 1h, 24h, 7d or 30d.</source>
        <translation>unbekannter Zeitraum „%1“: verwenden Sie 1h, 24h, 7d oder 30d.</translation>
    </message>
    <message>
        <source>unknown status &quot;%1&quot;: use %2.</source>
        <translation>unbekannter Status „%1“: verwenden Sie %2.</translation>
    </message>
    <message>
        <source>set the server&apos;s API token in the environment variable BATCHMON_TOKEN.</source>
        <translation>setzen Sie das API-Token des Servers in der Umgebungsvariablen BATCHMON_TOKEN.</translation>
    </message>
    <message>
        <source>Check BATCHMON_TOKEN; an admin creates a token with &quot;batchmon-server token add NAME --role viewer&quot;.</source>
        <translation>Prüfen Sie BATCHMON_TOKEN; ein Administrator erstellt ein Token mit „batchmon-server token add NAME --role viewer“.</translation>
    </message>
    <message>
        <source>note: --time-range is not used for a file: the report shows %1&apos;s own time range.</source>
        <translation>Hinweis: --time-range gilt nicht für eine Datei: der Bericht zeigt den eigenen Zeitraum von %1.</translation>
    </message>
    <message>
        <source>note: --time-range %1 is not used for a file: %2 holds the jobs of its own range, %3.</source>
        <translation>Hinweis: --time-range %1 gilt nicht für eine Datei: %2 enthält die Jobs ihres eigenen Zeitraums, %3.</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>nicht vermerkt</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not demo, a server profile, an http(s) URL or an existing file. %2</source>
        <translation>„%1“ ist weder demo noch ein Serverprofil, eine http(s)-URL oder eine vorhandene Datei. %2</translation>
    </message>
    <message>
        <source>No server profiles are saved; add one in the app (File &gt; Connect to a server) or give a URL.</source>
        <translation>Es sind keine Serverprofile gespeichert; legen Sie eines in der App an (Datei &gt; Mit einem Server verbinden) oder geben Sie eine URL an.</translation>
    </message>
    <message>
        <source>Profiles: %1.</source>
        <translation>Profile: %1.</translation>
    </message>
    <message>
        <source>using the API token in BATCHMON_TOKEN for profile &quot;%1&quot;.</source>
        <translation>verwende das API-Token aus BATCHMON_TOKEN für das Profil „%1“.</translation>
    </message>
    <message>
        <source>Check BATCHMON_TOKEN (it is used instead of the keychain&apos;s token when set).</source>
        <translation>Prüfen Sie BATCHMON_TOKEN (wenn gesetzt, wird es statt des Tokens im Schlüsselbund verwendet).</translation>
    </message>
    <message>
        <source>Check the token saved for profile &quot;%1&quot; in the app (File &gt; Connect to a server), or set BATCHMON_TOKEN.</source>
        <translation>Prüfen Sie das für das Profil „%1“ gespeicherte Token in der App (Datei &gt; Mit einem Server verbinden) oder setzen Sie BATCHMON_TOKEN.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is an OpenAI account profile, whose batches the app collects while it shows them: open the profile in the app and use File &gt; Export there.</source>
        <translation>„%1“ ist das Profil eines OpenAI-Kontos, dessen Batches die App sammelt, während sie es anzeigt: öffnen Sie das Profil in der App und verwenden Sie dort Datei &gt; Exportieren.</translation>
    </message>
</context>
<context>
    <name>batchmon::ExportWriter</name>
    <message>
        <source>of %1 UTC</source>
        <translation>vom %1 UTC</translation>
    </message>
    <message>
        <source>%1, re-exported from %2%3</source>
        <translation>%1, erneut exportiert aus %2%3</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>der Datenträger ist voll</translation>
    </message>
    <message>
        <source>the system gave no reason</source>
        <translation>das System nannte keinen Grund</translation>
    </message>
    <message>
        <source>could not write the export: %1.</source>
        <translation>der Export konnte nicht geschrieben werden: %1.</translation>
    </message>
    <message>
        <source>could not write %1: %2.</source>
        <translation>%1 konnte nicht geschrieben werden: %2.</translation>
    </message>
    <message>
        <source>Check that the disk has free space and try again.</source>
        <translation>Prüfen Sie, ob auf dem Datenträger Platz frei ist, und versuchen Sie es erneut.</translation>
    </message>
</context>
<context>
    <name>batchmon::FileSource</name>
    <message>
        <source>the file is not open</source>
        <translation>die Datei ist nicht geöffnet</translation>
    </message>
    <message>
        <source>Could not open %1: %2.</source>
        <translation>%1 konnte nicht geöffnet werden: %2.</translation>
    </message>
    <message>
        <source>Opening %1 was cancelled.</source>
        <translation>Das Öffnen von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 cannot be opened: %2. Nothing was loaded from it.</source>
        <translation>%1 kann nicht geöffnet werden: %2. Es wurde nichts daraus geladen.</translation>
    </message>
    <message>
        <source>%1 has changed on disk since it was opened (%2); open it again to see it</source>
        <translation>%1 hat sich seit dem Öffnen auf dem Datenträger geändert (%2); öffnen Sie die Datei erneut, um das zu sehen</translation>
    </message>
    <message>
        <source>its size or time changed</source>
        <translation>Größe oder Zeitstempel haben sich geändert</translation>
    </message>
    <message>
        <source>it is shorter than it was</source>
        <translation>sie ist kürzer als zuvor</translation>
    </message>
    <message>
        <source>job %1 is not in this export</source>
        <translation>Job %1 ist nicht in diesem Export</translation>
    </message>
    <message>
        <source>this is an exported file, opened read only; connect to the server to act on jobs</source>
        <translation>dies ist eine exportierte Datei, schreibgeschützt geöffnet; verbinden Sie sich mit dem Server, um Aktionen auf Jobs auszuführen</translation>
    </message>
</context>
<context>
    <name>batchmon::HistoryDialog</name>
    <message>
        <source>C&amp;lear history for this profile…</source>
        <translation>Historie für dieses Profil &amp;löschen…</translation>
    </message>
    <message>
        <source>Local history</source>
        <translation>Lokale Historie</translation>
    </message>
    <message>
        <source>batchmon records what it receives from “%1” — the summary, queues, performance and trend buckets — so the charts can show what the server no longer keeps and survive restarts.</source>
        <translation>batchmon zeichnet auf, was es von „%1“ empfängt — die Zusammenfassung, Warteschlangen, Leistung und Verlaufs-Intervalle —, damit die Diagramme zeigen können, was der Server nicht mehr aufbewahrt, und Neustarts überstehen.</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>Now:</source>
        <translation>Jetzt:</translation>
    </message>
    <message>
        <source>&amp;Keep for:</source>
        <translation>Aufbewahren &amp;für:</translation>
    </message>
    <message>
        <source>&amp;Size at most:</source>
        <translation>&amp;Größe höchstens:</translation>
    </message>
    <message>
        <source>%1 — unavailable: %2. The charts show the server&apos;s data only; clearing starts a new file.</source>
        <translation>%1 — nicht verfügbar: %2. Die Diagramme zeigen nur die Daten des Servers; Löschen beginnt eine neue Datei.</translation>
    </message>
    <message>
        <source>%1, reaching back to %2</source>
        <translation>%1, reicht zurück bis %2</translation>
    </message>
    <message>
        <source>%1, nothing recorded yet</source>
        <translation>%1, noch nichts aufgezeichnet</translation>
    </message>
    <message>
        <source>Delete everything recorded for “%1”? The charts then show only what the server still has.</source>
        <translation>Alles löschen, was für „%1“ aufgezeichnet wurde? Die Diagramme zeigen dann nur, was der Server noch hat.</translation>
    </message>
    <message>
        <source>Clear local history</source>
        <translation>Lokale Historie löschen</translation>
    </message>
</context>
<context>
    <name>batchmon::HistoryRecorder</name>
    <message>
        <source>Cannot remove %1: %2</source>
        <translation>%1 kann nicht entfernt werden: %2</translation>
    </message>
</context>
<context>
    <name>batchmon::HistoryStore</name>
    <message>
        <source>Cannot create the folder %1 for the local history</source>
        <translation>Der Ordner %1 für die lokale Historie kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>The Qt SQLite driver is missing (install libqt6sql6-sqlite)</source>
        <translation>Der Qt-SQLite-Treiber fehlt (installieren Sie libqt6sql6-sqlite)</translation>
    </message>
    <message>
        <source>Cannot open the local history %1</source>
        <translation>Die lokale Historie %1 kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>The local history %1 cannot be used</source>
        <translation>Die lokale Historie %1 ist nicht verwendbar</translation>
    </message>
    <message>
        <source>The local history %1 cannot be used: %2</source>
        <translation>Die lokale Historie %1 ist nicht verwendbar: %2</translation>
    </message>
    <message>
        <source>The local history %1 cannot be read</source>
        <translation>Die lokale Historie %1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>it is at schema version %1, newer than this program knows (%2)</source>
        <translation>sie hat Schemaversion %1, neuer als dieses Programm kennt (%2)</translation>
    </message>
    <message>
        <source>migration to version %1 failed: %2</source>
        <translation>Migration auf Version %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Cannot write the local history</source>
        <translation>Die lokale Historie kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Cannot read the local history</source>
        <translation>Die lokale Historie kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>Cannot prune the local history</source>
        <translation>Die lokale Historie kann nicht bereinigt werden</translation>
    </message>
    <message>
        <source>Cannot shrink the local history</source>
        <translation>Die lokale Historie kann nicht verkleinert werden</translation>
    </message>
</context>
<context>
    <name>batchmon::JobCollector</name>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>the connection was closed</source>
        <translation>die Verbindung wurde geschlossen</translation>
    </message>
</context>
<context>
    <name>batchmon::JobDetailsDialog</name>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Job %1</source>
        <translation>Job %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Errors&lt;/b&gt;</source>
        <translation>&lt;b&gt;Fehler&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Timeline&lt;/b&gt;</source>
        <translation>&lt;b&gt;Zeitverlauf&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Could not refresh: %1</source>
        <translation>Aktualisierung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 · %3 · model %4 · priority %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2 · %3 · Modell %4 · Priorität %5</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Batch %1</source>
        <translation>Batch %1</translation>
    </message>
    <message>
        <source>not submitted yet</source>
        <translation>noch nicht übermittelt</translation>
    </message>
    <message>
        <source>%1 requests: %2 completed, %3 failed</source>
        <translation>%1 Anfragen: %2 abgeschlossen, %3 fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cost %1 · %2 input and %3 output tokens</source>
        <translation>Kosten %1 · %2 Eingabe- und %3 Ausgabe-Tokens</translation>
    </message>
    <message>
        <source>Created %1 · started %2 · finished %3%4</source>
        <translation>Erstellt %1 · gestartet %2 · beendet %3%4</translation>
    </message>
    <message>
        <source> · took %1</source>
        <translation> · dauerte %1</translation>
    </message>
    <message>
        <source>Attempt %1, a retry of %2</source>
        <translation>Versuch %1, eine Wiederholung von %2</translation>
    </message>
    <message>
        <source>No failed requests in this job.</source>
        <translation>Keine fehlgeschlagenen Anfragen in diesem Job.</translation>
    </message>
    <message>
        <source>Not known here: exports do not include the breakdown by error</source>
        <translation>Hier nicht bekannt: Exporte enthalten die Aufschlüsselung nach Fehler nicht</translation>
    </message>
    <message>
        <source>Open the job on its server to see its errors by code.</source>
        <translation>Öffnen Sie den Job auf seinem Server, um seine Fehler nach Code zu sehen.</translation>
    </message>
    <message>
        <source>No failed requests</source>
        <translation>Keine fehlgeschlagenen Anfragen</translation>
    </message>
    <message>
        <source>Not known here: exports do not include the timeline</source>
        <translation>Hier nicht bekannt: Exporte enthalten den Zeitverlauf nicht</translation>
    </message>
</context>
<context>
    <name>batchmon::JobTableModel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Attempt %1, retry of %2</source>
        <translation>Versuch %1, Wiederholung von %2</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
</context>
<context>
    <name>batchmon::KeychainCredentialStore</name>
    <message>
        <source>No system keychain is available (is gnome-keyring or KWallet running?). The token or API key is kept for this session only and must be entered again after restart.</source>
        <translation>Kein Schlüsselbund des Systems verfügbar (läuft gnome-keyring oder KWallet?). Das Token bzw. der API-Schlüssel wird nur für diese Sitzung behalten und muss nach einem Neustart erneut eingegeben werden.</translation>
    </message>
</context>
<context>
    <name>batchmon::LocalSource</name>
    <message>
        <source>%1 refused the API key. Check that it was copied whole and has not been revoked, and that it may use the Batch and Files APIs; if needed, create a new key in the OpenAI dashboard under API keys and enter it in the profile. (%2)</source>
        <translation>%1 hat den API-Schlüssel abgelehnt. Prüfen Sie, ob er vollständig kopiert und nicht widerrufen wurde und ob er die Batch- und Files-APIs verwenden darf; erstellen Sie bei Bedarf im OpenAI-Dashboard unter „API keys“ einen neuen Schlüssel und tragen Sie ihn im Profil ein. (%2)</translation>
    </message>
    <message>
        <source>%1 answers, but has no Batch API at this address. Check the API base URL: for OpenAI it is https://api.openai.com/v1, with the /v1. (%2)</source>
        <translation>%1 antwortet, hat unter dieser Adresse aber keine Batch-API. Prüfen Sie die API-Basis-URL: für OpenAI lautet sie https://api.openai.com/v1, mit dem /v1. (%2)</translation>
    </message>
    <message>
        <source>OpenAI&apos;s rate limit refused the requests; batchmon tries again at the next check. (%1)</source>
        <translation>Das Ratenlimit von OpenAI hat die Anfragen abgelehnt; batchmon versucht es bei der nächsten Prüfung erneut. (%1)</translation>
    </message>
    <message>
        <source>The OpenAI account has no quota left: check its billing and usage limits. (%1)</source>
        <translation>Das OpenAI-Konto hat kein Kontingent mehr: prüfen Sie seine Abrechnung und Nutzungslimits. (%1)</translation>
    </message>
    <message>
        <source>Cannot read the account&apos;s batches from %1. Check the API base URL and the network connection; batchmon tries again at the next check. (%2)</source>
        <translation>Die Batches des Kontos können nicht von %1 gelesen werden. Prüfen Sie die API-Basis-URL und die Netzwerkverbindung; batchmon versucht es bei der nächsten Prüfung erneut. (%2)</translation>
    </message>
    <message>
        <source>%1 gave an answer batchmon does not understand. Check that the API base URL points to OpenAI&apos;s API or to a server compatible with its Batch API. (%2)</source>
        <translation>%1 hat eine Antwort gegeben, die batchmon nicht versteht. Prüfen Sie, ob die API-Basis-URL auf die API von OpenAI oder auf einen mit ihrer Batch-API kompatiblen Server zeigt. (%2)</translation>
    </message>
</context>
<context>
    <name>batchmon::LocalWorker</name>
    <message>
        <source>the local store is not open</source>
        <translation>der lokale Speicher ist nicht geöffnet</translation>
    </message>
    <message>
        <source>The account&apos;s local store cannot be written (%1). Check that the folder is writable and the disk is not full.</source>
        <translation>Der lokale Speicher des Kontos kann nicht geschrieben werden (%1). Prüfen Sie, ob der Ordner beschreibbar und die Festplatte nicht voll ist.</translation>
    </message>
    <message>
        <source>batches of an OpenAI account can only be cancelled from batchmon</source>
        <translation>Batches eines OpenAI-Kontos können in batchmon nur abgebrochen werden</translation>
    </message>
</context>
<context>
    <name>batchmon::MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connect to a server…</source>
        <translation>Mit einem Server &amp;verbinden…</translation>
    </message>
    <message>
        <source>&amp;Manage server profiles…</source>
        <translation>Server&amp;profile verwalten…</translation>
    </message>
    <message>
        <source>&amp;Open an export…</source>
        <translation>Einen Export ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <source>JSON export, reopens in batchmon (*.json)</source>
        <translation>JSON-Export, in batchmon wieder zu öffnen (*.json)</translation>
    </message>
    <message>
        <source>CSV for spreadsheets (*.csv)</source>
        <translation>CSV für Tabellenkalkulationen (*.csv)</translation>
    </message>
    <message>
        <source>PDF report (*.pdf)</source>
        <translation>PDF-Bericht (*.pdf)</translation>
    </message>
    <message>
        <source>Export the jobs of this view</source>
        <translation>Die Jobs dieser Ansicht exportieren</translation>
    </message>
    <message>
        <source>&amp;Switch to</source>
        <translation>&amp;Wechseln zu</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Pause automatic refresh</source>
        <translation>Automatische Aktualisierung &amp;pausieren</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Dashboard</translation>
    </message>
    <message>
        <source>Batch &amp;configuration and scheduler</source>
        <translation>Batch-&amp;Konfiguration und Scheduler</translation>
    </message>
    <message>
        <source>A&amp;lerts</source>
        <translation>A&amp;larme</translation>
    </message>
    <message>
        <source>Local &amp;history…</source>
        <translation>Lokale &amp;Historie…</translation>
    </message>
    <message>
        <source>&amp;Appearance</source>
        <translation>&amp;Erscheinungsbild</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>Dem &amp;System folgen</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>&amp;Jobs</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About batchmon</source>
        <translation>Über &amp;batchmon</translation>
    </message>
    <message>
        <source>About batchmon</source>
        <translation>Über batchmon</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Batch configuration and scheduler</source>
        <translation>Batch-Konfiguration und Scheduler</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>%1 — batchmon</source>
        <translation>%1 — batchmon</translation>
    </message>
    <message>
        <source>Pause or resume the &amp;scheduler…</source>
        <translation>&amp;Scheduler anhalten oder fortsetzen…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Demo workspace&lt;/b&gt; — simulated batch jobs from a built-in pipeline, not a real server (stored in %1). &lt;a href=&quot;connect&quot;&gt;Connect to a server…&lt;/a&gt;</source>
        <translation>&lt;b&gt;Demo-Arbeitsbereich&lt;/b&gt; — simulierte Batch-Jobs aus einer eingebauten Pipeline, kein echter Server (gespeichert in %1). &lt;a href=&quot;connect&quot;&gt;Mit einem Server verbinden…&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Demo workspace</source>
        <translation>Demo-Arbeitsbereich</translation>
    </message>
    <message>
        <source>Preparing the demo workspace: %p%</source>
        <translation>Demo-Arbeitsbereich wird vorbereitet: %p%</translation>
    </message>
    <message>
        <source>The demo workspace cannot be opened</source>
        <translation>Der Demo-Arbeitsbereich kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>%1

Check that the folder is writable, or remove the file to start a new one.</source>
        <translation>%1

Prüfen Sie, ob der Ordner beschreibbar ist, oder entfernen Sie die Datei, um neu zu beginnen.</translation>
    </message>
    <message>
        <source>There is no server profile named “%1”.</source>
        <translation>Es gibt kein Serverprofil namens „%1“.</translation>
    </message>
    <message>
        <source>The token of “%1” cannot be read: %2</source>
        <translation>Das Token von „%1“ kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot open “%1”</source>
        <translation>„%1“ kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Edit the profile now?</source>
        <translation>Das Profil jetzt bearbeiten?</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2</translation>
    </message>
    <message>
        <source>Local history is unavailable (%1); the charts show the server&apos;s data only.</source>
        <translation>Lokale Historie ist nicht verfügbar (%1); die Diagramme zeigen nur die Daten des Servers.</translation>
    </message>
    <message>
        <source>Exporting the jobs of this view…</source>
        <translation>Die Jobs dieser Ansicht werden exportiert…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Waiting %1 s for the server&apos;s rate limit (page %2 of %3)…</source>
        <translation>Warte %1 s auf das Rate-Limit des Servers (Seite %2 von %3)…</translation>
    </message>
    <message>
        <source>Trying again in %1 s (page %2 of %3)…</source>
        <translation>Neuer Versuch in %1 s (Seite %2 von %3)…</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written to %1.</source>
        <translation>Export abgebrochen; nach %1 wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>Exported %1 jobs to %2</source>
        <translation>%1 Jobs nach %2 exportiert</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1

Nothing was written to %2.</source>
        <translation>%1

Nach %2 wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>&amp;%1 %2 — %3</source>
        <translation>&amp;%1 %2 — %3</translation>
    </message>
    <message>
        <source>No exports opened yet</source>
        <translation>Noch keine Exporte geöffnet</translation>
    </message>
    <message>
        <source>&amp;Clear the list</source>
        <translation>Liste &amp;leeren</translation>
    </message>
    <message>
        <source>Open an export for review</source>
        <translation>Einen Export zur Durchsicht öffnen</translation>
    </message>
    <message>
        <source>batchmon JSON exports (*.json);;All files (*)</source>
        <translation>batchmon-JSON-Exporte (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Cannot open the export</source>
        <translation>Der Export kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>What was shown before is still shown. Export the data again (File ▸ Export) if the file is damaged.</source>
        <translation>Was vorher angezeigt wurde, wird weiter angezeigt. Exportieren Sie die Daten erneut (Datei ▸ Exportieren), falls die Datei beschädigt ist.</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 ist keine Datei.</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>%1 wird gelesen…</translation>
    </message>
    <message>
        <source>Open an export</source>
        <translation>Einen Export öffnen</translation>
    </message>
    <message>
        <source>status %1</source>
        <translation>Status %1</translation>
    </message>
    <message>
        <source>job type %1</source>
        <translation>Job-Typ %1</translation>
    </message>
    <message>
        <source>an unknown time (not a batchmon export)</source>
        <translation>ein unbekannter Zeitpunkt (kein batchmon-Export)</translation>
    </message>
    <message>
        <source>an unknown source</source>
        <translation>eine unbekannte Quelle</translation>
    </message>
    <message>
        <source>&lt;b&gt;Exported file&lt;/b&gt; — %1, exported %2 from %3, %4 jobs%5. Read only: actions are off; the cards and charts are as exported, the filters narrow the file&apos;s jobs.</source>
        <translation>&lt;b&gt;Exportierte Datei&lt;/b&gt; — %1, exportiert %2 aus %3, %4 Jobs%5. Nur Lesen: Aktionen sind aus; Karten und Diagramme sind wie exportiert, die Filter schränken die Jobs der Datei ein.</translation>
    </message>
    <message>
        <source>An export holds one time range: the one it was exported with.</source>
        <translation>Ein Export umfasst einen Zeitraum: den, mit dem er exportiert wurde.</translation>
    </message>
    <message>
        <source>&amp;Demo workspace</source>
        <translation>&amp;Demo-Arbeitsbereich</translation>
    </message>
    <message>
        <source>Read only</source>
        <translation>Nur Lesen</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Read only: this is an exported file. Connect to the server to act on jobs.</source>
        <translation>Nur Lesen: dies ist eine exportierte Datei. Verbinden Sie sich mit dem Server, um Aktionen auf Jobs auszuführen.</translation>
    </message>
    <message>
        <source>Read only: this token has the viewer role. Ask for an admin token (batchmon-server token add NAME --role admin) to act on jobs.</source>
        <translation>Nur Lesen: dieses Token hat die Rolle viewer. Fordern Sie ein Admin-Token an (batchmon-server token add NAME --role admin), um Aktionen auf Jobs auszuführen.</translation>
    </message>
    <message>
        <source>This token may change jobs, the configuration and the scheduler.</source>
        <translation>Dieses Token darf Jobs, die Konfiguration und den Scheduler ändern.</translation>
    </message>
    <message>
        <source>Alerts (%1)</source>
        <translation>Alarme (%1)</translation>
    </message>
    <message>
        <source>Scheduler: %1</source>
        <translation>Scheduler: %1</translation>
    </message>
    <message>
        <source>Lan&amp;guage</source>
        <translation>Spra&amp;che</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The language changes when batchmon is started again.</source>
        <translation>Die Sprache wechselt beim nächsten Start von batchmon.</translation>
    </message>
    <message>
        <source>&lt;h3&gt;batchmon %1&lt;/h3&gt;&lt;p&gt;Monitor and steer LLM batch-processing pipelines: batch jobs, queues, throughput, errors, cost and savings, with admin actions and alerts.&lt;/p&gt;&lt;p&gt;Data comes from a &lt;code&gt;batchmon-server&lt;/code&gt; (File ▸ Connect to a server…), an OpenAI account watched directly, or the built-in demo workspace. Server tokens and API keys are kept in the desktop&apos;s keychain.&lt;/p&gt;&lt;p&gt;Licensed under the GNU GPL, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;batchmon %1&lt;/h3&gt;&lt;p&gt;Überwachen und steuern Sie LLM-Batch-Pipelines: Batch-Jobs, Warteschlangen, Durchsatz, Fehler, Kosten und Einsparungen, mit Admin-Aktionen und Alarmen.&lt;/p&gt;&lt;p&gt;Die Daten kommen von einem &lt;code&gt;batchmon-server&lt;/code&gt; (Datei ▸ Mit einem Server verbinden…), einem direkt überwachten OpenAI-Konto oder dem eingebauten Demo-Arbeitsbereich. Server-Tokens und API-Schlüssel werden im Schlüsselbund des Desktops aufbewahrt.&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU GPL, Version 3 oder später.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The API key of “%1” cannot be read: %2</source>
        <translation>Der API-Schlüssel von „%1“ kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;OpenAI account %1&lt;/b&gt; — %2 · watched directly by batchmon; costs are estimates at list prices</source>
        <translation>&lt;b&gt;OpenAI-Konto %1&lt;/b&gt; — %2 · direkt von batchmon überwacht; die Kosten sind Schätzungen zu Listenpreisen</translation>
    </message>
    <message>
        <source>The account&apos;s batches are kept in %1.</source>
        <translation>Die Batches des Kontos werden in %1 aufbewahrt.</translation>
    </message>
    <message>
        <source>Not for an OpenAI account&apos;s batches: batchmon watches them as the account runs them, and can only cancel them. Retry a batch where it was made.</source>
        <translation>Nicht für die Batches eines OpenAI-Kontos: batchmon verfolgt sie, wie das Konto sie ausführt, und kann sie nur abbrechen. Wiederholen Sie einen Batch dort, wo er erstellt wurde.</translation>
    </message>
    <message>
        <source>The OpenAI account “%1” cannot be opened</source>
        <translation>Das OpenAI-Konto „%1“ kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>%1

Check that the folder is writable, or remove the file: it is filled again from the account.</source>
        <translation>%1

Prüfen Sie, ob der Ordner beschreibbar ist, oder entfernen Sie die Datei: sie wird aus dem Konto neu gefüllt.</translation>
    </message>
    <message>
        <source>An OpenAI account has no batchmon scheduler: batchmon sends it no batches.</source>
        <translation>Ein OpenAI-Konto hat keinen batchmon-Scheduler: batchmon sendet ihm keine Batches.</translation>
    </message>
</context>
<context>
    <name>batchmon::MemoryCredentialStore</name>
    <message>
        <source>Tokens and API keys are kept for this session only and must be entered again after restart.</source>
        <translation>Tokens und API-Schlüssel werden nur für diese Sitzung behalten und müssen nach einem Neustart erneut eingegeben werden.</translation>
    </message>
</context>
<context>
    <name>batchmon::MonitoringQuery</name>
    <message>
        <source>unknown parameter; allowed: %1</source>
        <translation>unbekannter Parameter; erlaubt: %1</translation>
    </message>
    <message>
        <source>given more than once</source>
        <translation>mehr als einmal angegeben</translation>
    </message>
    <message>
        <source>must be one of 1h, 24h, 7d, 30d; got &quot;%1&quot;</source>
        <translation>muss 1h, 24h, 7d oder 30d sein; erhalten: &quot;%1&quot;</translation>
    </message>
    <message>
        <source>must be one of %1; got &quot;%2&quot;</source>
        <translation>muss einer von %1 sein; erhalten: &quot;%2&quot;</translation>
    </message>
    <message>
        <source>must be 1 to 64 characters</source>
        <translation>muss 1 bis 64 Zeichen lang sein</translation>
    </message>
    <message>
        <source>must be true or false; got &quot;%1&quot;</source>
        <translation>muss true oder false sein; erhalten: &quot;%1&quot;</translation>
    </message>
    <message>
        <source>must be a whole number from 1 to 999999999; got &quot;%1&quot;</source>
        <translation>muss eine ganze Zahl von 1 bis 999999999 sein; erhalten: &quot;%1&quot;</translation>
    </message>
    <message>
        <source>must be a whole number from 1 to 100; got &quot;%1&quot;</source>
        <translation>muss eine ganze Zahl von 1 bis 100 sein; erhalten: &quot;%1&quot;</translation>
    </message>
</context>
<context>
    <name>batchmon::PaletteChartView</name>
    <message>
        <source>Could not create %1: %2.</source>
        <translation>%1 konnte nicht angelegt werden: %2.</translation>
    </message>
    <message>
        <source>Could not write the image to %1: %2.</source>
        <translation>Das Bild konnte nicht nach %1 geschrieben werden: %2.</translation>
    </message>
    <message>
        <source>Could not save %1: %2.</source>
        <translation>%1 konnte nicht gespeichert werden: %2.</translation>
    </message>
    <message>
        <source>&amp;Save as PNG…</source>
        <translation>Als PNG &amp;speichern…</translation>
    </message>
    <message>
        <source>Save the chart as an image</source>
        <translation>Das Diagramm als Bild speichern</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <source>The image was not saved</source>
        <translation>Das Bild wurde nicht gespeichert</translation>
    </message>
    <message>
        <source>&amp;Copy image</source>
        <translation>Bild &amp;kopieren</translation>
    </message>
</context>
<context>
    <name>batchmon::ProfileStore</name>
    <message>
        <source>Enter the server&apos;s address, for example %1.</source>
        <translation>Geben Sie die Adresse des Servers ein, zum Beispiel %1.</translation>
    </message>
    <message>
        <source>The server address must start with https:// (or http://), for example %1.</source>
        <translation>Die Serveradresse muss mit https:// (oder http://) beginnen, zum Beispiel %1.</translation>
    </message>
    <message>
        <source>The server address has no host name. Enter it as %1.</source>
        <translation>Die Serveradresse hat keinen Hostnamen. Geben Sie sie als %1 ein.</translation>
    </message>
    <message>
        <source>Leave the user name and password out of the server address; the API token goes in the token field.</source>
        <translation>Lassen Sie Benutzername und Passwort aus der Serveradresse weg; das API-Token gehört in das Token-Feld.</translation>
    </message>
    <message>
        <source>The server address must not contain &quot;?&quot; or &quot;#&quot;. Enter the server&apos;s root address, for example %1.</source>
        <translation>Die Serveradresse darf kein &quot;?&quot; oder &quot;#&quot; enthalten. Geben Sie die Wurzeladresse des Servers ein, zum Beispiel %1.</translation>
    </message>
    <message>
        <source>Enter a name for the profile, for example &quot;Production&quot;.</source>
        <translation>Geben Sie einen Namen für das Profil ein, zum Beispiel &quot;Produktion&quot;.</translation>
    </message>
    <message>
        <source>There is already a profile named &quot;%1&quot;. Choose another name, or edit that profile.</source>
        <translation>Es gibt bereits ein Profil namens &quot;%1&quot;. Wählen Sie einen anderen Namen, oder bearbeiten Sie jenes Profil.</translation>
    </message>
    <message>
        <source>The address uses plain http, which would send the API token unencrypted over the network. Use https, or allow unencrypted http if the network is trusted.</source>
        <translation>Die Adresse verwendet unverschlüsseltes http, das API-Token würde unverschlüsselt über das Netzwerk gesendet. Verwenden Sie https, oder erlauben Sie unverschlüsseltes http, wenn das Netzwerk vertrauenswürdig ist.</translation>
    </message>
    <message>
        <source>There is no profile named &quot;%1&quot; any more.</source>
        <translation>Es gibt kein Profil namens &quot;%1&quot; mehr.</translation>
    </message>
    <message>
        <source>Enter the API token. An administrator creates one on the server with &quot;batchmon-server token add NAME --role admin&quot;.</source>
        <translation>Geben Sie das API-Token ein. Ein Administrator erstellt es auf dem Server mit &quot;batchmon-server token add NAME --role admin&quot;.</translation>
    </message>
    <message>
        <source>The profile was not saved because its token could not be stored. %1</source>
        <translation>Das Profil wurde nicht gespeichert, weil sein Token nicht abgelegt werden konnte. %1</translation>
    </message>
    <message>
        <source>The profile was renamed, but the token under its old name could not be removed from the keychain. %1</source>
        <translation>Das Profil wurde umbenannt, aber das Token unter seinem alten Namen konnte nicht aus dem Schlüsselbund entfernt werden. %1</translation>
    </message>
    <message>
        <source>There is no profile named &quot;%1&quot;.</source>
        <translation>Es gibt kein Profil namens &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; was kept because its token could not be removed from the keychain. %2</source>
        <translation>Das Profil &quot;%1&quot; wurde behalten, weil sein Token nicht aus dem Schlüsselbund entfernt werden konnte. %2</translation>
    </message>
    <message>
        <source>No CA file was given.</source>
        <translation>Es wurde keine CA-Datei angegeben.</translation>
    </message>
    <message>
        <source>The CA file %1 does not exist. Choose the file that holds the server&apos;s CA certificate (PEM or DER), or leave the field empty to trust the system&apos;s certificate authorities only.</source>
        <translation>Die CA-Datei %1 existiert nicht. Wählen Sie die Datei mit dem CA-Zertifikat des Servers (PEM oder DER), oder lassen Sie das Feld leer, um nur den Zertifizierungsstellen des Systems zu vertrauen.</translation>
    </message>
    <message>
        <source>%1 is a folder. Choose the CA certificate file in it.</source>
        <translation>%1 ist ein Ordner. Wählen Sie darin die Datei mit dem CA-Zertifikat.</translation>
    </message>
    <message>
        <source>The CA file %1 cannot be read (%2). Check its permissions.</source>
        <translation>Die CA-Datei %1 kann nicht gelesen werden (%2). Prüfen Sie ihre Berechtigungen.</translation>
    </message>
    <message>
        <source>The CA file %1 is larger than 1 MiB, too large for a certificate file. Choose the server&apos;s CA certificate (PEM or DER).</source>
        <translation>Die CA-Datei %1 ist größer als 1 MiB, zu groß für eine Zertifikatsdatei. Wählen Sie das CA-Zertifikat des Servers (PEM oder DER).</translation>
    </message>
    <message>
        <source>%1 holds a private key, not a certificate. Choose the CA certificate (a PEM file with &quot;-----BEGIN CERTIFICATE-----&quot;, or DER), and keep the key secret.</source>
        <translation>%1 enthält einen privaten Schlüssel, kein Zertifikat. Wählen Sie das CA-Zertifikat (eine PEM-Datei mit &quot;-----BEGIN CERTIFICATE-----&quot; oder DER), und halten Sie den Schlüssel geheim.</translation>
    </message>
    <message>
        <source>%1 is not a certificate file: it holds no PEM (&quot;-----BEGIN CERTIFICATE-----&quot;) or DER certificate. Choose the server&apos;s CA certificate.</source>
        <translation>%1 ist keine Zertifikatsdatei: sie enthält kein PEM- (&quot;-----BEGIN CERTIFICATE-----&quot;) oder DER-Zertifikat. Wählen Sie das CA-Zertifikat des Servers.</translation>
    </message>
    <message>
        <source>The settings file %1 cannot be written. Check its permissions and that the disk is not full.</source>
        <translation>Die Einstellungsdatei %1 kann nicht geschrieben werden. Prüfen Sie ihre Berechtigungen und ob der Datenträger voll ist.</translation>
    </message>
    <message>
        <source>The settings file %1 is damaged. Move it away and add the profiles again.</source>
        <translation>Die Einstellungsdatei %1 ist beschädigt. Verschieben Sie sie und fügen Sie die Profile erneut hinzu.</translation>
    </message>
    <message>
        <source>Enter the API base URL: %1 for OpenAI, or the address of an OpenAI-compatible server.</source>
        <translation>Geben Sie die API-Basis-URL ein: %1 für OpenAI oder die Adresse eines OpenAI-kompatiblen Servers.</translation>
    </message>
    <message>
        <source>The API base URL must start with https:// (or http://), for example %1.</source>
        <translation>Die API-Basis-URL muss mit https:// (oder http://) beginnen, zum Beispiel %1.</translation>
    </message>
    <message>
        <source>The API base URL has no host name. Enter it as %1.</source>
        <translation>Die API-Basis-URL hat keinen Hostnamen. Geben Sie sie als %1 ein.</translation>
    </message>
    <message>
        <source>Leave the user name and password out of the API base URL; the API key goes in the key field.</source>
        <translation>Lassen Sie Benutzername und Passwort aus der API-Basis-URL weg; der API-Schlüssel gehört in das Schlüsselfeld.</translation>
    </message>
    <message>
        <source>The API base URL must not contain &quot;?&quot; or &quot;#&quot;. Enter the part before /batches, for example %1.</source>
        <translation>Die API-Basis-URL darf kein „?“ oder „#“ enthalten. Geben Sie den Teil vor /batches ein, zum Beispiel %1.</translation>
    </message>
    <message>
        <source>The API base URL uses plain http, which would send the API key unencrypted over the network. Use https, or allow unencrypted http if the network is trusted.</source>
        <translation>Die API-Basis-URL verwendet unverschlüsseltes http, wodurch der API-Schlüssel unverschlüsselt über das Netzwerk gesendet würde. Verwenden Sie https, oder erlauben Sie unverschlüsseltes http, wenn das Netzwerk vertrauenswürdig ist.</translation>
    </message>
    <message>
        <source>Enter the OpenAI API key (it starts with &quot;sk-&quot;). Create one in the OpenAI dashboard under API keys; it needs access to the Batch and Files APIs.</source>
        <translation>Geben Sie den OpenAI-API-Schlüssel ein (er beginnt mit „sk-“). Sie erstellen ihn im OpenAI-Dashboard unter „API keys“; er braucht Zugriff auf die Batch- und Files-APIs.</translation>
    </message>
    <message>
        <source>The profile was not saved because its API key could not be stored. %1</source>
        <translation>Das Profil wurde nicht gespeichert, weil sein API-Schlüssel nicht abgelegt werden konnte. %1</translation>
    </message>
</context>
<context>
    <name>batchmon::ProfilesDialog</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Server profiles</source>
        <translation>Serverprofile</translation>
    </message>
    <message>
        <source>&amp;Profiles:</source>
        <translation>&amp;Profile:</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Remove server profile</source>
        <translation>Serverprofil entfernen</translation>
    </message>
    <message>
        <source>Remove the profile “%1”? Its token is deleted from this computer&apos;s keychain; the server and its data are not affected.</source>
        <translation>Das Profil „%1“ entfernen? Sein Token wird aus dem Schlüsselbund dieses Computers gelöscht; der Server und seine Daten sind nicht betroffen.</translation>
    </message>
    <message>
        <source>No connection profiles yet: batchmon shows the demo workspace. Choose Add… to connect to a batchmon-server or an OpenAI account.</source>
        <translation>Noch keine Verbindungsprofile: batchmon zeigt den Demo-Arbeitsbereich. Wählen Sie „Hinzufügen…“, um sich mit einem batchmon-server oder einem OpenAI-Konto zu verbinden.</translation>
    </message>
    <message>
        <source>%1 — OpenAI account, %2</source>
        <translation>%1 — OpenAI-Konto, %2</translation>
    </message>
    <message>
        <source>Remove the profile “%1”? Its API key is deleted from this computer&apos;s keychain; the OpenAI account and its batches are not affected.</source>
        <translation>Das Profil „%1“ entfernen? Sein API-Schlüssel wird aus dem Schlüsselbund dieses Computers gelöscht; das OpenAI-Konto und seine Batches bleiben unberührt.</translation>
    </message>
</context>
<context>
    <name>batchmon::QueueStatusChart</name>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Queues now</source>
        <translation>Warteschlangen jetzt</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Processing</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation>Noch keine Daten</translation>
    </message>
    <message>
        <source>%1: %2 jobs</source>
        <translation>%1: %2 Jobs</translation>
    </message>
    <message>
        <source>No jobs yet</source>
        <translation>Noch keine Jobs</translation>
    </message>
</context>
<context>
    <name>batchmon::ReportExport</name>
    <message>
        <source>could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a readable export: %2</source>
        <translation>%1 ist kein lesbarer Export: %2</translation>
    </message>
    <message>
        <source>could not create %1: %2. Choose a folder you can write to.</source>
        <translation>%1 konnte nicht angelegt werden: %2. Wählen Sie einen Ordner, in den Sie schreiben dürfen.</translation>
    </message>
    <message>
        <source>could not create a temporary folder for the export: %1</source>
        <translation>für den Export konnte kein temporärer Ordner angelegt werden: %1</translation>
    </message>
    <message>
        <source>Collecting the jobs of this view…</source>
        <translation>Die Jobs dieser Ansicht werden gesammelt…</translation>
    </message>
    <message>
        <source>the export was cancelled; no file was written</source>
        <translation>der Export wurde abgebrochen; es wurde keine Datei geschrieben</translation>
    </message>
    <message>
        <source>Reading the jobs back…</source>
        <translation>Die Jobs werden zurückgelesen…</translation>
    </message>
    <message>
        <source>the export could not be read back</source>
        <translation>der Export konnte nicht zurückgelesen werden</translation>
    </message>
    <message>
        <source>Writing the report…</source>
        <translation>Der Bericht wird geschrieben…</translation>
    </message>
</context>
<context>
    <name>batchmon::ReportWriter</name>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Time range not recorded</source>
        <translation>Zeitraum nicht aufgezeichnet</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 bis %2</translation>
    </message>
    <message>
        <source>could not create %1: %2. Choose a folder you can write to.</source>
        <translation>%1 konnte nicht angelegt werden: %2. Wählen Sie einen Ordner, in den Sie schreiben dürfen.</translation>
    </message>
    <message>
        <source>batchmon report: %1, %2</source>
        <translation>batchmon-Bericht: %1, %2</translation>
    </message>
    <message>
        <source>could not start the PDF document %1</source>
        <translation>das PDF-Dokument %1 konnte nicht begonnen werden</translation>
    </message>
    <message>
        <source>could not save %1: %2. Check that the disk has free space and try again.</source>
        <translation>%1 konnte nicht gespeichert werden: %2. Prüfen Sie, ob auf dem Datenträger Platz frei ist, und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>batchmon report · %1</source>
        <translation>batchmon-Bericht · %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>Exportiert %1</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <source>Batch monitoring report</source>
        <translation>Batch-Monitoring-Bericht</translation>
    </message>
    <message>
        <source>status %1</source>
        <translation>Status %1</translation>
    </message>
    <message>
        <source>job type %1</source>
        <translation>Job-Typ %1</translation>
    </message>
    <message>
        <source>%1 (the table lists the first %2)</source>
        <translation>%1 (die Tabelle listet die ersten %2)</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Time range</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>none (every status and job type)</source>
        <translation>keine (jeder Status und Job-Typ)</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>Exported at</source>
        <translation>Exportiert am</translation>
    </message>
    <message>
        <source>%1 at %2, local time (%3)</source>
        <translation>%1 um %2, Ortszeit (%3)</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Total Jobs</source>
        <translation>Jobs gesamt</translation>
    </message>
    <message>
        <source>Success Rate</source>
        <translation>Erfolgsquote</translation>
    </message>
    <message>
        <source>Cost Savings</source>
        <translation>Kostenersparnis</translation>
    </message>
    <message>
        <source>Average Processing Time</source>
        <translation>Mittlere Verarbeitungszeit</translation>
    </message>
    <message>
        <source>Error Rate</source>
        <translation>Fehlerquote</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Aktivität</translation>
    </message>
    <message>
        <source>The source reported no history</source>
        <translation>Die Quelle meldete keine Historie</translation>
    </message>
    <message>
        <source>Errors and resources</source>
        <translation>Fehler und Ressourcen</translation>
    </message>
    <message>
        <source>The source reported no resource figures.</source>
        <translation>Die Quelle meldete keine Ressourcenwerte.</translation>
    </message>
    <message>
        <source>Top errors</source>
        <translation>Häufigste Fehler</translation>
    </message>
    <message>
        <source>Error code</source>
        <translation>Fehlercode</translation>
    </message>
    <message>
        <source>Failed requests</source>
        <translation>Fehlgeschlagene Anfragen</translation>
    </message>
    <message>
        <source>Share of requests</source>
        <translation>Anteil der Anfragen</translation>
    </message>
    <message>
        <source>No failed requests in this range</source>
        <translation>Keine fehlgeschlagenen Anfragen in diesem Zeitraum</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 other codes</source>
        <translation>%1 andere Codes</translation>
    </message>
    <message>
        <source>All failed requests</source>
        <translation>Alle fehlgeschlagenen Anfragen</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>Leistung</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>not reported</source>
        <translation>nicht gemeldet</translation>
    </message>
    <message>
        <source>processing disabled</source>
        <translation>Verarbeitung deaktiviert</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>Requests per hour</source>
        <translation>Anfragen pro Stunde</translation>
    </message>
    <message>
        <source>Batch utilisation</source>
        <translation>Batch-Auslastung</translation>
    </message>
    <message>
        <source>Jobs per hour</source>
        <translation>Jobs pro Stunde</translation>
    </message>
    <message>
        <source>Processing efficiency</source>
        <translation>Verarbeitungseffizienz</translation>
    </message>
    <message>
        <source>Average batch size</source>
        <translation>Mittlere Batch-Größe</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>Fehlerquote</translation>
    </message>
    <message>
        <source>Scheduler</source>
        <translation>Scheduler</translation>
    </message>
    <message>
        <source>Jobs (continued)</source>
        <translation>Jobs (Fortsetzung)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Done/failed</source>
        <translation>Fertig/fehlgeschl.</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>No jobs in this range and filters.</source>
        <translation>Keine Jobs in diesem Zeitraum und mit diesen Filtern.</translation>
    </message>
    <message>
        <source>%1 more jobs of this export are not listed: the report lists the first %2 jobs in the export&apos;s order. The JSON or CSV export (batchmon export --format json|csv) has them all.</source>
        <translation>%1 weitere Jobs dieses Exports sind nicht aufgeführt: der Bericht listet die ersten %2 Jobs in der Reihenfolge des Exports. Der JSON- oder CSV-Export (batchmon export --format json|csv) enthält alle.</translation>
    </message>
</context>
<context>
    <name>batchmon::ResourceChart</name>
    <message>
        <source>Per cent</source>
        <translation>Prozent</translation>
    </message>
    <message>
        <source>Resources</source>
        <translation>Ressourcen</translation>
    </message>
    <message>
        <source>Requests rate-limited</source>
        <translation>Anfragen mit Rate-Limit</translation>
    </message>
    <message>
        <source>Token quota in use</source>
        <translation>Genutztes Token-Kontingent</translation>
    </message>
    <message>
        <source>per cent</source>
        <translation>Prozent</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation>Noch keine Daten</translation>
    </message>
    <message>
        <source>%1 of %2 requests in the range failed with rate_limit_exceeded</source>
        <translation>%1 von %2 Anfragen im Zeitraum scheiterten mit rate_limit_exceeded</translation>
    </message>
    <message>
        <source>%1 of %2 input tokens enqueued at the provider (%3 %)</source>
        <translation>%1 von %2 Eingabe-Tokens beim Anbieter eingereiht (%3 %)</translation>
    </message>
    <message>
        <source>%1 input tokens enqueued; the provider reports no quota</source>
        <translation>%1 Eingabe-Tokens eingereiht; der Anbieter meldet kein Kontingent</translation>
    </message>
</context>
<context>
    <name>batchmon::Session</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message>
        <source> Trying again in %1.</source>
        <translation> Neuer Versuch in %1.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird aufgebaut…</translation>
    </message>
    <message>
        <source>Data as of %1, as exported; it does not change</source>
        <translation>Daten vom %1, wie exportiert; sie ändern sich nicht</translation>
    </message>
    <message>
        <source>Updated %1 ago</source>
        <translation>Aktualisiert vor %1</translation>
    </message>
    <message>
        <source> — automatic refresh paused (F5 refreshes)</source>
        <translation> — automatische Aktualisierung pausiert (F5 aktualisiert)</translation>
    </message>
    <message>
        <source>Showing data from %1 (%2 ago): %3</source>
        <translation>Daten von %1 (vor %2): %3</translation>
    </message>
    <message>
        <source>No data: %1</source>
        <translation>Keine Daten: %1</translation>
    </message>
</context>
<context>
    <name>batchmon::SingleInstance</name>
    <message>
        <source>The running batchmon did not answer in %1 s.</source>
        <translation>Das laufende batchmon hat nicht innerhalb von %1 s geantwortet.</translation>
    </message>
</context>
<context>
    <name>batchmon::TrendChart</name>
    <message>
        <source>No data yet</source>
        <translation>Noch keine Daten</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>From local history (the server no longer has it)</source>
        <translation>Aus lokaler Historie (der Server hat sie nicht mehr)</translation>
    </message>
    <message>
        <source>From local history</source>
        <translation>Aus lokaler Historie</translation>
    </message>
    <message>
        <source>No data for this range</source>
        <translation>Keine Daten für diesen Zeitraum</translation>
    </message>
    <message>
        <source>Nothing in this range</source>
        <translation>Nichts in diesem Zeitraum</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Monitor and steer LLM batch-processing pipelines.
Headless exports (no display needed, e.g. over SSH): batchmon export --help</source>
        <translation>LLM-Batch-Pipelines überwachen und steuern.
Exporte ohne Oberfläche (keine Anzeige nötig, z. B. über SSH): batchmon export --help</translation>
    </message>
    <message>
        <source>A JSON export to open for review (read only). Headless exports: batchmon export --help.</source>
        <translation>Ein JSON-Export, der zur Durchsicht geöffnet wird (nur Lesen). Exporte ohne Oberfläche: batchmon export --help.</translation>
    </message>
    <message>
        <source>Open a window of its own even when batchmon runs already (by default the running window is raised and opens the file).</source>
        <translation>Ein eigenes Fenster öffnen, auch wenn batchmon bereits läuft (sonst wird das laufende Fenster nach vorn geholt und öffnet die Datei).</translation>
    </message>
    <message>
        <source>batchmon: no display to open the window on. Over SSH use `batchmon export …` (batchmon export --help), or start it from the desktop.</source>
        <translation>batchmon: keine Anzeige, auf der das Fenster geöffnet werden kann. Über SSH verwenden Sie `batchmon export …` (batchmon export --help), oder starten Sie es vom Desktop aus.</translation>
    </message>
    <message>
        <source>batchmon: opening a window of its own: %1</source>
        <translation>batchmon: ein eigenes Fenster wird geöffnet: %1</translation>
    </message>
</context>
</TS>
