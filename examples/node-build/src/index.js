const shout = require("shout");

exports.handler = async (event) => shout(event.text || "hello");
