'use strict';

exports.handler = async (event) => {
  const level = process.env.LOG_LEVEL || 'info';
  if (level === 'debug') console.log('event', JSON.stringify(event));
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ orders: [], token_configured: Boolean(process.env.API_TOKEN) }),
  };
};
