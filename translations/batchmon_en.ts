<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>batchmon::ActionPlan</name>
    <message numerus="yes">
        <source>None of the %n selected jobs&apos; statuses allows this action.</source>
        <translation>
            <numerusform>The %n selected job&apos;s status does not allow this action.</numerusform>
            <numerusform>None of the %n selected jobs&apos; statuses allows this action.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Retry %n jobs? Their %1 failed or unfinished requests go to the provider again as %n new jobs.</source>
        <translation>
            <numerusform>Retry %n job? Its %1 failed or unfinished requests go to the provider again as %n new job.</numerusform>
            <numerusform>Retry %n jobs? Their %1 failed or unfinished requests go to the provider again as %n new jobs.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancel %n jobs? %1 requests will not be processed.</source>
        <translation>
            <numerusform>Cancel %n job? %1 requests will not be processed.</numerusform>
            <numerusform>Cancel %n jobs? %1 requests will not be processed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Pause %n jobs? Their %1 requests will not be submitted until resumed.</source>
        <translation>
            <numerusform>Pause %n job? Its %1 requests will not be submitted until resumed.</numerusform>
            <numerusform>Pause %n jobs? Their %1 requests will not be submitted until resumed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Resume %n jobs? Their %1 requests go back into the submission queue.</source>
        <translation>
            <numerusform>Resume %n job? Its %1 requests go back into the submission queue.</numerusform>
            <numerusform>Resume %n jobs? Their %1 requests go back into the submission queue.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Set the priority of %n jobs to %1? Priority decides which pending job is submitted first.</source>
        <translation>
            <numerusform>Set the priority of %n job to %1? Priority decides which pending job is submitted first.</numerusform>
            <numerusform>Set the priority of %n jobs to %1? Priority decides which pending job is submitted first.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>batchmon::ApiError</name>
    <message numerus="yes">
        <source>Too many requests: the server asks to wait %n second(s) before trying again.</source>
        <translation>
            <numerusform>Too many requests: the server asks to wait %n second before trying again.</numerusform>
            <numerusform>Too many requests: the server asks to wait %n seconds before trying again.</numerusform>
        </translation>
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
</context>
</TS>
