import json
import os


def handler(event, context):
    greeting = os.environ.get("GREETING", "hello")
    name = (event or {}).get("name", "world")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": f"{greeting}, {name}"}),
    }
