'use strict';

exports.handler = async (event) => {
  const records = (event && event.records) || [];
  console.log(`processing ${records.length} records from ${process.env.QUEUE}`);
  return { processed: records.length };
};
