import json


def handler(event, context):
    # A timer's event carries trigger_type TIMER and the user_event set in
    # function.yaml; API Gateway's carries the HTTP request.
    if event.get("trigger_type") == "TIMER":
        scope = json.loads(event.get("user_event") or "{}").get("scope", "today")
        return {"report": scope}
    return {"statusCode": 200, "body": json.dumps({"report": "today"}), "headers": {"Content-Type": "application/json"}}
