/** The operational view: the ops topic every alarm notifies, the dashboard and the alarms. */
export { Monitoring, type MonitoringArgs } from "./monitoring";
export { MonitoringTopic, type MonitoringTopicArgs } from "./monitoringTopic";
export { eventRuleNameFromArn } from "./resources";
